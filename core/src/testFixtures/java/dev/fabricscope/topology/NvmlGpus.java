package dev.fabricscope.topology;

import java.util.List;

/**
 * Driver answers for tests: a GPU as NVML describes it, only what a test looks at filled in, so no
 * test spells out {@link NvmlGpu}'s 21 fields.
 */
public final class NvmlGpus {

  private NvmlGpus() {}

  /** A GPU that is not virtualized, without MIG, with these links and peer answers. */
  public static NvmlGpu of(
      String product, String computeCapability, List<NvmlLink> links, List<NvmlPeer> peers) {
    return gpu(product, computeCapability, null, "none", false, links, peers);
  }

  /**
   * A GPU whose virtualization and MIG mode the driver did not say (null), without NVLinks, with
   * these peer answers.
   */
  public static NvmlGpu unsaid(String product, String computeCapability, List<NvmlPeer> peers) {
    return gpu(product, computeCapability, null, null, null, List.of(), peers);
  }

  /** A GPU of which NVML said only its NUMA node. */
  public static NvmlGpu onNode(int numaNode) {
    return gpu(null, null, numaNode, null, null, null, null);
  }

  private static NvmlGpu gpu(
      String product,
      String computeCapability,
      Integer numaNode,
      String virtualization,
      Boolean mig,
      List<NvmlLink> links,
      List<NvmlPeer> peers) {
    return new NvmlGpu(
        product,
        null,
        null,
        null,
        computeCapability,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        numaNode,
        virtualization,
        mig,
        mig,
        links,
        peers);
  }
}
