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

  private static void check(Double v) {
    if (v != null && !(v > 0 && v < 1e6)) {
      throw new IllegalArgumentException("a capacity is a positive GB/s value: " + v);
    }
  }
}
