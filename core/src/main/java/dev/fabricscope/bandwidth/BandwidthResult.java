package dev.fabricscope.bandwidth;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The outcome of one bandwidth test, as the agent's {@code bandwidth --format json} prints it and
 * the server stores it. GB/s are 10^9 bytes moved per second (mbw and nvbandwidth count the same
 * way); for {@code gpu-bidir} the two directions are summed.
 *
 * @param kind the test kind ({@link BandwidthKind#json()})
 * @param source the source endpoint as written ({@link Endpoint#toString()})
 * @param target the target endpoint as written
 * @param bytes bytes per transfer
 * @param measuredGBps the median of {@code samples}
 * @param expectedGBps what the path should carry ({@link Expectations}); null when unknown
 * @param verdict pass, warn, fail or unknown ({@link TestVerdict})
 * @param bottleneck the hop that limits the path (a BDF's upstream link, a NIC port, the host
 *     memory of a node), or null when unknown
 * @param samples GB/s per timed repetition (or per interval for streaming helpers), in order
 * @param helper the program that moved the data and its version, e.g. {@code fabricscope-membw 1}
 *     or {@code ib_write_bw 6.15}
 * @param basis how the expected value was obtained, one line (link, efficiency and its source)
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({
  "kind",
  "source",
  "target",
  "bytes",
  "measuredGBps",
  "expectedGBps",
  "verdict",
  "bottleneck",
  "samples",
  "helper",
  "basis"
})
public record BandwidthResult(
    String kind,
    String source,
    String target,
    long bytes,
    double measuredGBps,
    Double expectedGBps,
    TestVerdict verdict,
    String bottleneck,
    List<Double> samples,
    String helper,
    String basis) {

  public BandwidthResult {
    samples = samples == null ? List.of() : List.copyOf(samples);
  }

  /**
   * A result from a measurement and its expectation: the measured value is the median of the
   * samples, the verdict follows {@link TestVerdict#of}.
   */
  public static BandwidthResult of(
      BandwidthSpec spec,
      List<Double> samples,
      String helper,
      Expectation expected,
      Efficiencies efficiencies) {
    double measured = round2(Samples.median(samples));
    return new BandwidthResult(
        spec.kind().json(),
        spec.source().toString(),
        spec.target().toString(),
        spec.bytes(),
        measured,
        expected.gbps(),
        TestVerdict.of(measured, expected.gbps(), efficiencies),
        expected.bottleneck(),
        samples.stream().map(BandwidthResult::round2).toList(),
        helper,
        expected.basis());
  }

  static double round2(double v) {
    return Math.round(v * 100.0) / 100.0;
  }
}
