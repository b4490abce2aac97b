package dev.fabricscope.plan;

/**
 * What a job asks of each host it runs on (issue 13, host selection), as a scheduler states it.
 *
 * @param gpusPerHost NVIDIA GPUs the job uses on each host, 1 to 64
 * @param nicsPerGpu RDMA NIC ports the job needs per GPU, 0 to 8 (0: no network)
 * @param gpudirectRdma whether each GPU's paired NIC must be able to DMA to it directly: the
 *     kernel's P2PDMA verdict for the pair is not NOT_SUPPORTED (p2p-rules.md §2.3)
 * @param minGpuNicGBps the least predicted GPU→NIC rate per GPU with every GPU of the host sending
 *     at once (the planner's gpu-to-nic pattern), GB/s; null: no minimum
 * @param fabric the link layer the NIC ports must have ({@code InfiniBand} or {@code Ethernet},
 *     either case); null: any
 */
public record JobShape(
    int gpusPerHost, int nicsPerGpu, boolean gpudirectRdma, Double minGpuNicGBps, String fabric) {

  public JobShape {
    if (gpusPerHost < 1 || gpusPerHost > 64) {
      throw new IllegalArgumentException("gpusPerHost must be 1 to 64, not " + gpusPerHost);
    }
    if (nicsPerGpu < 0 || nicsPerGpu > 8) {
      throw new IllegalArgumentException("nicsPerGpu must be 0 to 8, not " + nicsPerGpu);
    }
    if (minGpuNicGBps != null && !(minGpuNicGBps >= 0 && minGpuNicGBps < 1e6)) {
      throw new IllegalArgumentException("minGpuNicGBps must be 0 to 1000000 GB/s");
    }
    if (fabric != null
        && !fabric.equalsIgnoreCase("InfiniBand")
        && !fabric.equalsIgnoreCase("Ethernet")) {
      throw new IllegalArgumentException("fabric must be InfiniBand or Ethernet, not " + fabric);
    }
  }
}
