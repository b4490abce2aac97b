package dev.fabricscope.planner;

import java.util.List;

/**
 * A plan's prediction: plain records, serializable as they are.
 *
 * @param pairing per GPU in CUDA order, its NIC and NVMe (empty for a custom flow list)
 * @param flows every flow's max-min fair rate and bottleneck, in the order given
 * @param links every capacity-limited link some flow crosses, per direction, in first-use order
 */
public record PlanResult(List<GpuPairing> pairing, List<FlowRate> flows, List<LinkLoad> links) {

  public PlanResult {
    pairing = List.copyOf(pairing);
    flows = List.copyOf(flows);
    links = List.copyOf(links);
  }

  /**
   * One flow's prediction.
   *
   * @param source the source's label ({@link FlowEnd#label()}: a BDF for devices)
   * @param target the target's label
   * @param predictedGBps its max-min fair rate, GB/s; null when no link on its way has a known
   *     capacity
   * @param bottleneck the saturated link that holds it back, null with the rate
   */
  public record FlowRate(String source, String target, Double predictedGBps, LinkLoad bottleneck) {}

  /**
   * A link in one direction and what the plan puts on it.
   *
   * @param kind pcie, inter-socket, nvlink, nic or memory
   * @param upstream the upstream end: port BDF, {@code socket:N} (lower node), {@code nvswitch},
   *     {@code network} or {@code memory}
   * @param downstream the downstream end: function BDF, {@code socket:N}, GPU BDF, {@code BDF/PORT}
   *     or {@code numa:N}
   * @param direction up (from the downstream end to the upstream end) or down
   * @param capacityGBps GB/s this direction carries
   * @param usedGBps the sum of the rates of the flows crossing it
   * @param flows how many flows cross it
   */
  public record LinkLoad(
      String kind,
      String upstream,
      String downstream,
      String direction,
      double capacityGBps,
      double usedGBps,
      int flows) {}
}
