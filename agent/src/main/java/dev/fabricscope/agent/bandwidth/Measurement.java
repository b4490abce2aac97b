package dev.fabricscope.agent.bandwidth;

import java.util.List;

/**
 * What a helper measured, before any expectation is applied.
 *
 * @param samplesGBps GB/s (10^9 bytes per second) per timed repetition or interval, in order
 * @param helper the program and version that moved the data ({@code ib_write_bw 6.15})
 * @param rawOutput the helper's own output, kept with the job (at most 64 KiB, cut at the end)
 * @param flowSamplesGBps for a test with concurrent flows, each flow's GB/s per pass (the test's
 *     own first); {@code samplesGBps} are then the per-pass sums. Null for one flow.
 */
public record Measurement(
    List<Double> samplesGBps, String helper, String rawOutput, List<List<Double>> flowSamplesGBps) {

  /**
   * Most samples of one measurement, all flows together: what the server stores of a result (its
   * {@code AgentEvent.MAX_SAMPLES}); a test of 300 s at 0.1 s intervals has 3,000.
   */
  public static final int MAX_SAMPLES = 10_000;

  /** Largest raw output kept, in characters. */
  public static final int MAX_RAW = 64 * 1024;

  /** A measurement of one flow. */
  public Measurement(List<Double> samplesGBps, String helper, String rawOutput) {
    this(samplesGBps, helper, rawOutput, null);
  }

  /**
   * This measurement, if it has at most {@link #MAX_SAMPLES} samples; else an error naming the
   * helper. A helper's report of 20,000 intervals had become 20,000 samples that the server could
   * never store, and the test timed out (fourteenth security review).
   */
  public Measurement bounded() throws HelperException {
    long n = samplesGBps.size();
    if (flowSamplesGBps != null) {
      n += flowSamplesGBps.stream().mapToLong(List::size).sum();
    }
    if (n > MAX_SAMPLES) {
      throw new HelperException(
          helper + " reported " + n + " samples; at most " + MAX_SAMPLES + " are taken");
    }
    return this;
  }

  public Measurement {
    samplesGBps = List.copyOf(samplesGBps);
    flowSamplesGBps =
        flowSamplesGBps == null ? null : flowSamplesGBps.stream().map(List::copyOf).toList();
    if (rawOutput != null && rawOutput.length() > MAX_RAW) {
      rawOutput = rawOutput.substring(0, MAX_RAW) + "\n[cut at " + MAX_RAW + " characters]";
    }
  }
}
