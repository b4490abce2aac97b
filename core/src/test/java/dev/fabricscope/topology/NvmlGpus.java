package dev.fabricscope.topology;

import java.util.List;

/** Driver answers for tests: a GPU as NVML describes it, only what a test looks at filled in. */
public final class NvmlGpus {

  private NvmlGpus() {}

  /** A GPU that is not virtualized, without MIG, with these links and peer answers. */
  public static NvmlGpu of(
      String product, String computeCapability, List<NvmlLink> links, List<NvmlPeer> peers) {
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
        null,
        "none",
        false,
        false,
        links,
        peers);
  }
}
