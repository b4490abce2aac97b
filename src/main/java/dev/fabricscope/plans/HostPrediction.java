package dev.fabricscope.plans;

import dev.fabricscope.planner.GpuPairing;
import dev.fabricscope.planner.PlanResult;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The planner's prediction for a stored host: the fields of {@link PlanResult} as they are (the
 * agent's {@code plan --format json} writes the same three), and where the capacities that the
 * report does not hold came from.
 *
 * @param pairing per GPU in CUDA order, its NIC and NVMe (empty for a custom flow list)
 * @param flows every flow's max-min fair rate and bottleneck, in the order given
 * @param links every capacity-limited link some flow crosses, per direction
 * @param capacities the host memory capacity of the NUMA nodes and its source
 */
public record HostPrediction(
    List<GpuPairing> pairing,
    List<PlanResult.FlowRate> flows,
    List<PlanResult.LinkLoad> links,
    Capacities capacities) {

  /** A plan's result with the capacities it was computed with. */
  static HostPrediction of(PlanResult r, Capacities capacities) {
    return new HostPrediction(r.pairing(), r.flows(), r.links(), capacities);
  }

  /**
   * Capacities that the report does not hold.
   *
   * @param memory per NUMA node that a flow's memory link or a measurement names, by node number
   */
  public record Capacities(List<NodeMemory> memory) {}

  /**
   * Host memory capacity of one NUMA node per direction.
   *
   * @param numaNode the node
   * @param gbps capacity per direction, GB/s
   * @param source override (the request's memoryGBps), measured (the bandwidth tests' fastest
   *     host-memcpy within the node that passed or was measured) or default (LinkRates)
   * @param jobId the bandwidth test that measured it; null unless measured
   * @param threads that test's copy threads; null unless measured
   */
  public record NodeMemory(
      int numaNode,
      double gbps,
      @Schema(enumeration = {"override", "measured", "default"}) String source,
      Long jobId,
      Integer threads) {}
}
