package dev.fabricscope.topology;

/**
 * A GPU: a PCI function of class 0x03 (display/3D controller), listed on its own for quick access.
 *
 * @param pciFunction its BDF
 * @param vendorName vendor from pci.ids
 * @param deviceName model from pci.ids
 * @param driver bound driver
 * @param numaNode NUMA node, null when unknown
 * @param sm CUDA compute capability × 10 (70 = Volta, 80 = Ampere, 90 = Hopper) when known (NCCL
 *     topology files, NVML); NCCL's GPUDirect RDMA default depends on it (§4.6)
 * @param nvml what the NVIDIA driver says about it (NVML, live hosts with the driver), null when
 *     not asked or not known
 */
public record Gpu(
    String pciFunction,
    String vendorName,
    String deviceName,
    String driver,
    Integer numaNode,
    Integer sm,
    NvmlGpu nvml) {

  /** A GPU the driver was not asked about. */
  public Gpu(
      String pciFunction,
      String vendorName,
      String deviceName,
      String driver,
      Integer numaNode,
      Integer sm) {
    this(pciFunction, vendorName, deviceName, driver, numaNode, sm, null);
  }

  /** This GPU with the driver's answers; {@code sm} from NVML where it was unknown. */
  public Gpu withNvml(NvmlGpu n) {
    return new Gpu(
        pciFunction, vendorName, deviceName, driver, numaNode, sm != null ? sm : n.sm(), n);
  }
}
