package dev.fabricscope.agent.cli;

import dev.fabricscope.agent.bandwidth.Measurement;
import dev.fabricscope.bandwidth.BandwidthResult;
import dev.fabricscope.bandwidth.BandwidthSpec;
import dev.fabricscope.bandwidth.ByteSizes;
import java.util.DoubleSummaryStatistics;
import java.util.Locale;

/** The text form of a bandwidth result: what was moved, measured vs expected, the verdict. */
final class BandwidthText {

  private BandwidthText() {}

  static String render(BandwidthResult r, BandwidthSpec spec, Measurement m) {
    DoubleSummaryStatistics s =
        r.samples().stream().mapToDouble(Double::doubleValue).summaryStatistics();
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "%s %s -> %s, %s x %d%s%n",
            r.kind(),
            r.source(),
            r.target(),
            ByteSizes.format(r.bytes()),
            spec.repetitions(),
            spec.threads() > 1 ? ", " + spec.threads() + " threads" : ""));
    b.append(
        String.format(
            Locale.ROOT,
            "measured   %.2f GB/s (median of %d; min %.2f, max %.2f)%n",
            r.measuredGBps(),
            s.getCount(),
            s.getMin(),
            s.getMax()));
    b.append(
        r.expectedGBps() == null
            ? "expected   unknown (" + r.basis() + ")\n"
            : String.format(
                Locale.ROOT, "expected   %.2f GB/s (%s)%n", r.expectedGBps(), r.basis()));
    b.append("verdict    ").append(r.verdict().json());
    if (r.bottleneck() != null) {
      b.append(", bottleneck ").append(r.bottleneck());
    }
    b.append('\n');
    if (r.flows() != null) {
      for (BandwidthResult.FlowResult f : r.flows()) {
        b.append(
            String.format(
                Locale.ROOT,
                "flow       %s -> %s: %.2f GB/s, expected %s%n",
                f.source(),
                f.target(),
                f.measuredGBps(),
                f.expectedGBps() == null
                    ? "unknown (" + f.basis() + ")"
                    : String.format(Locale.ROOT, "%.2f GB/s (%s)", f.expectedGBps(), f.basis())));
      }
    }
    b.append("helper     ").append(r.helper()).append('\n');
    b.append("detail     ").append(m.rawOutput());
    return b.toString();
  }
}
