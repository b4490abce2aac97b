package dev.fabricscope.bandwidth;

import java.util.List;

/** Statistics over measured samples. */
public final class Samples {

  private Samples() {}

  /** The median (mean of the middle two for an even count); 0 for no samples. */
  public static double median(List<Double> samples) {
    if (samples.isEmpty()) {
      return 0;
    }
    double[] s = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
  }
}
