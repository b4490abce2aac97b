package dev.fabricscope.planner;

import java.util.Map;

/**
 * What a plan may override; null keeps the default of {@link LinkRates}.
 *
 * @param interSocketGBps inter-socket capacity per direction between two NUMA nodes, GB/s
 * @param memoryGBps host memory bandwidth of every NUMA node per direction, GB/s; when set it wins
 *     over {@code memoryGBpsByNode}
 * @param memoryGBpsByNode host memory bandwidth per direction of single NUMA nodes, GB/s, by node
 *     number (the bandwidth tests' measured host copy within the node, where known); a node not in
 *     the map takes {@link LinkRates#DEFAULT_MEMORY_GBPS}
 */
public record PlanOptions(
    Double interSocketGBps, Double memoryGBps, Map<Integer, Double> memoryGBpsByNode) {

  /** Every default. */
  public static final PlanOptions DEFAULTS = new PlanOptions(null, null);

  /**
   * Least capacity a user may override with, GB/s (1 MB/s). Below it a flow's rate rounds to 0.00
   * in every answer, and near the smallest doubles (7e-321) max-min filling once found no saturated
   * link (the review of 2026-12-06): no real link is that slow, so such a value is a mistake.
   */
  public static final double MIN_OVERRIDE_GBPS = 0.001;

  /**
   * Capacities an override must stay below, GB/s: a million, far above any link (NVLink 5 moves 900
   * GB/s per GPU); the constructor's own bound.
   */
  public static final double MAX_OVERRIDE_GBPS = 1e6;

  public PlanOptions {
    memoryGBpsByNode = memoryGBpsByNode == null ? Map.of() : Map.copyOf(memoryGBpsByNode);
    check(interSocketGBps);
    check(memoryGBps);
    memoryGBpsByNode.values().forEach(PlanOptions::check);
  }

  /** Overrides of the inter-socket and every node's memory capacity, nothing per node. */
  public PlanOptions(Double interSocketGBps, Double memoryGBps) {
    this(interSocketGBps, memoryGBps, Map.of());
  }

  /** The memory capacity of a node per direction, GB/s: the override, the node's, the default. */
  public double memoryGBps(int node) {
    if (memoryGBps != null) {
      return memoryGBps;
    }
    return memoryGBpsByNode.getOrDefault(node, LinkRates.DEFAULT_MEMORY_GBPS);
  }

  /**
   * Whether a user's override is within {@link #MIN_OVERRIDE_GBPS} (inclusive) and {@link
   * #MAX_OVERRIDE_GBPS} (exclusive); null (no override) is.
   */
  public static boolean overrideInRange(Double v) {
    return v == null || (v >= MIN_OVERRIDE_GBPS && v < MAX_OVERRIDE_GBPS);
  }

  private static void check(Double v) {
    if (v != null && !(v > 0 && v < MAX_OVERRIDE_GBPS)) {
      throw new IllegalArgumentException("a capacity is a positive GB/s value: " + v);
    }
  }
}
