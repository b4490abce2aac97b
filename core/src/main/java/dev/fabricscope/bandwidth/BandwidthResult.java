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
 * @param flows for a test with concurrent flows, each flow's own median and expectation (the test's
 *     own flow first); the test's samples are then the per-pass sums and its expected value the sum
 *     of the flows'; null for a test of one flow
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
  "basis",
  "flows"
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
    String basis,
    List<FlowResult> flows) {

  public BandwidthResult {
    samples = samples == null ? List.of() : List.copyOf(samples);
    flows = flows == null ? null : List.copyOf(flows);
  }

  /**
   * One flow of a test with concurrent flows.
   *
   * @param source its source endpoint as written
   * @param target its target endpoint as written
   * @param measuredGBps the median of its samples, GB/s, over the windows all flows shared
   * @param expectedGBps the planner's share for it times the kind's efficiency ({@link
   *     FlowExpectations}), null when unknown
   * @param bottleneck the link that holds it back in the prediction, null when unknown
   * @param basis how its expected value was obtained
   * @param samples its GB/s per timed pass
   */
  @JsonPropertyOrder({
    "source",
    "target",
    "measuredGBps",
    "expectedGBps",
    "bottleneck",
    "basis",
    "samples"
  })
  public record FlowResult(
      String source,
      String target,
      double measuredGBps,
      Double expectedGBps,
      String bottleneck,
      String basis,
      List<Double> samples) {
    public FlowResult {
      samples = samples == null ? List.of() : List.copyOf(samples);
    }
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
        expected.basis(),
        null);
  }

  /**
   * A result of concurrent flows: {@code flowSamples} holds each flow's GB/s per pass (the test's
   * own first, as {@link BandwidthSpec#flows()}), all of the same length; the test's samples are
   * the per-pass sums, its expected value the sum of the flows' (unknown when one is).
   *
   * @throws IllegalArgumentException when the samples do not fit the flows
   */
  public static BandwidthResult ofFlows(
      BandwidthSpec spec,
      List<List<Double>> flowSamples,
      String helper,
      List<Expectation> expected,
      Efficiencies efficiencies) {
    List<BandwidthFlow> flows = spec.flows();
    if (flowSamples.size() != flows.size() || expected.size() != flows.size()) {
      throw new IllegalArgumentException(
          "flow samples: " + flowSamples.size() + " lists for " + flows.size() + " flows");
    }
    int passes = flowSamples.get(0).size();
    double[] sums = new double[passes];
    List<FlowResult> out = new java.util.ArrayList<>(flows.size());
    Double expectedSum = 0.0;
    for (int i = 0; i < flows.size(); i++) {
      List<Double> xs = flowSamples.get(i);
      if (xs.size() != passes || passes == 0) {
        throw new IllegalArgumentException("flow samples: every flow has the same passes");
      }
      for (int p = 0; p < passes; p++) {
        sums[p] += xs.get(p);
      }
      Expectation e = expected.get(i);
      expectedSum = expectedSum == null || e.gbps() == null ? null : expectedSum + e.gbps();
      out.add(
          new FlowResult(
              flows.get(i).source().toString(),
              flows.get(i).target().toString(),
              round2(Samples.median(xs)),
              e.gbps(),
              e.bottleneck(),
              e.basis(),
              xs.stream().map(BandwidthResult::round2).toList()));
    }
    List<Double> total = java.util.Arrays.stream(sums).boxed().toList();
    double measured = round2(Samples.median(total));
    Double exp = expectedSum == null ? null : round2(expectedSum);
    return new BandwidthResult(
        spec.kind().json(),
        spec.source().toString(),
        spec.target().toString(),
        spec.bytes(),
        measured,
        exp,
        TestVerdict.of(measured, exp, efficiencies),
        expected.get(0).bottleneck(),
        total.stream().map(BandwidthResult::round2).toList(),
        helper,
        exp == null
            ? "sum of " + flows.size() + " concurrent flows; some flow expects nothing"
            : "sum of " + flows.size() + " concurrent flows' planner expectations (see flows)",
        out);
  }

  static double round2(double v) {
    return Math.round(v * 100.0) / 100.0;
  }
}
