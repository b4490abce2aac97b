package dev.fabricscope.topology;

/**
 * An NVMe controller from {@code /sys/class/nvme/<name>}.
 *
 * @param name controller name, e.g. {@code nvme0}
 * @param pciFunction the PCI function for PCIe controllers, else null
 * @param model {@code model}, trimmed
 * @param serial {@code serial}, trimmed
 * @param firmware {@code firmware_rev}
 * @param transport {@code transport}: pcie, rdma, tcp, fc, loop
 * @param cmb the Controller Memory Buffer ({@code cmbloc}/{@code cmbsz}), null when absent
 */
public record NvmeController(
    String name,
    String pciFunction,
    String model,
    String serial,
    String firmware,
    String transport,
    Cmb cmb) {

  /**
   * Controller Memory Buffer registers as the nvme driver exposes them.
   *
   * @param cmbloc CMBLOC register as sysfs prints it (decimal)
   * @param cmbsz CMBSZ register as sysfs prints it (decimal)
   * @param sizeBytes size decoded from CMBSZ (SZ × 4 KiB·16^SZU)
   */
  public record Cmb(String cmbloc, String cmbsz, Long sizeBytes) {}
}
