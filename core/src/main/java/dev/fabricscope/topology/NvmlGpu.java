package dev.fabricscope.topology;

import java.util.List;

/**
 * What the NVIDIA driver says about one GPU through NVML ({@code libnvidia-ml.so.1}, read by the
 * agent on the live host; {@code nvidia-smi -q} prints the same answers). Every field is null when
 * NVML answered "Not Supported" or an error for it (a VM's GPU has no NUMA node or NVLink state).
 *
 * @param productName the driver's product name ({@code NVIDIA H200}); pci.ids may not know it
 * @param uuid {@code GPU-…}, stable across reboots
 * @param serial board serial number
 * @param boardId board id: GPUs of one board share it
 * @param computeCapability CUDA compute capability, {@code major.minor} ({@code 9.0} = Hopper)
 * @param memoryBytes total framebuffer memory in bytes
 * @param driverVersion the kernel driver's version ({@code 580.159.04})
 * @param nvmlVersion NVML's version ({@code 13.580.159.04})
 * @param cudaDriverVersion the CUDA driver API version the driver supports, as {@code 1000 × major
 *     + 10 × minor} ({@code 13000} = CUDA 13.0)
 * @param pcieGenCurrent PCIe generation of the link now, as the driver sees it (in a VM it can
 *     differ from the guest's sysfs)
 * @param pcieGenMax the most the link and system allow
 * @param pcieGenGpuMax the most the GPU itself supports
 * @param pcieWidthCurrent lanes now
 * @param pcieWidthMax the most lanes the link allows
 * @param pcieReplays PCIe replay counter (link-level retransmissions since the driver loaded)
 * @param numaNode the NUMA node closest to the GPU, null when the driver cannot say
 * @param virtualization {@code none}, {@code pass-through}, {@code vgpu}, {@code host-vgpu} or
 *     {@code host-vsga} ({@code nvmlGpuVirtualizationMode_t})
 * @param migEnabled whether MIG mode is on now
 * @param migPending whether MIG mode is set to be on after the next GPU reset
 * @param nvlinks each NVLink the driver reports as present, by link index
 * @param peers the driver's answers for every other GPU of the host
 */
public record NvmlGpu(
    String productName,
    String uuid,
    String serial,
    Long boardId,
    String computeCapability,
    Long memoryBytes,
    String driverVersion,
    String nvmlVersion,
    Integer cudaDriverVersion,
    Integer pcieGenCurrent,
    Integer pcieGenMax,
    Integer pcieGenGpuMax,
    Integer pcieWidthCurrent,
    Integer pcieWidthMax,
    Long pcieReplays,
    Integer numaNode,
    String virtualization,
    Boolean migEnabled,
    Boolean migPending,
    List<NvmlLink> nvlinks,
    List<NvmlPeer> peers) {

  public NvmlGpu {
    nvlinks = nvlinks == null ? List.of() : List.copyOf(nvlinks);
    peers = peers == null ? List.of() : List.copyOf(peers);
  }

  /**
   * The compute capability as NCCL's {@code sm} (major × 10 + minor: 90 for 9.0), null when
   * unknown.
   */
  public Integer sm() {
    if (computeCapability == null || !computeCapability.matches("[0-9]{1,2}\\.[0-9]")) {
      return null;
    }
    String[] p = computeCapability.split("\\.");
    return Integer.parseInt(p[0]) * 10 + Integer.parseInt(p[1]);
  }
}
