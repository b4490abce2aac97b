package dev.fabricscope.planner;

/**
 * What a plan may override; null keeps the default of {@link LinkRates}.
 *
 * @param interSocketGBps inter-socket capacity per direction between two NUMA nodes, GB/s
 * @param memoryGBps host memory bandwidth of each NUMA node per direction, GB/s (the bandwidth
 *     tests' measured host copy where known)
 */
public record PlanOptions(Double interSocketGBps, Double memoryGBps) {

  /** Every default. */
  public static final PlanOptions DEFAULTS = new PlanOptions(null, null);

  public PlanOptions {
    for (Double v : new Double[] {interSocketGBps, memoryGBps}) {
      if (v != null && !(v > 0 && v < 1e6)) {
        throw new IllegalArgumentException("a capacity is a positive GB/s value: " + v);
      }
    }
  }
}
