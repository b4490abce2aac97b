package dev.fabricscope.sysfs;

import dev.fabricscope.topology.NvmeController;
import java.util.ArrayList;
import java.util.List;

/** Reads {@code /sys/class/nvme}: controllers, their transport, PCI function and CMB. */
public final class NvmeClassSource {

  static final String NVME = "/sys/class/nvme";

  private final SysfsRoot root;
  private final Diagnostics diag;

  public NvmeClassSource(SysfsRoot root, Diagnostics diag) {
    this.root = root;
    this.diag = diag;
  }

  /** All controllers, by name; an absent class folder means no NVMe driver loaded. */
  public List<NvmeController> read() {
    List<NvmeController> out = new ArrayList<>();
    if (!root.isDirectory(NVME)) {
      return out;
    }
    for (String name : root.list(NVME)) {
      String entry = NVME + "/" + name;
      String dir = ClassDevices.entryDir(root, entry).orElse(null);
      if (dir == null || !root.isDirectory(dir)) {
        diag.add(entry, "link does not resolve inside the root: controller skipped");
        continue;
      }
      String transport = root.textOpt(dir + "/transport").orElse(null);
      String pci = ClassDevices.pciFunction(root, dir).orElse(null);
      if (transport == null) {
        diag.add(dir + "/transport", "missing: transport unknown");
      }
      if (pci == null && (transport == null || transport.equals("pcie"))) {
        diag.add(dir + "/device", "missing: PCI function unknown");
      }
      String cmbloc = root.textOpt(dir + "/cmbloc").orElse(null);
      String cmbsz = root.textOpt(dir + "/cmbsz").orElse(null);
      NvmeController.Cmb cmb =
          cmbsz == null ? null : new NvmeController.Cmb(cmbloc, cmbsz, cmbSize(cmbsz));
      out.add(
          new NvmeController(
              name,
              pci,
              root.textOpt(dir + "/model").orElse(null),
              root.textOpt(dir + "/serial").orElse(null),
              root.textOpt(dir + "/firmware_rev").orElse(null),
              transport,
              cmb));
    }
    return out;
  }

  /**
   * CMB size from the CMBSZ register (NVMe base spec): SZ (bits 31:12) units of SZU (bits 11:8: 0 =
   * 4 KiB, each step ×16). sysfs prints the register in decimal ({@code 262685}); the {@code cmb}
   * attribute in hex ({@code x0004021d}).
   */
  static Long cmbSize(String cmbsz) {
    try {
      long reg =
          cmbsz.matches("\\d+")
              ? Long.parseLong(cmbsz)
              : Long.parseLong(cmbsz.replaceFirst("^(0x|x)", ""), 16);
      long sz = (reg >> 12) & 0xfffff;
      int szu = (int) ((reg >> 8) & 0xf);
      if (szu > 6) {
        return null;
      }
      return sz * (4096L << (4 * szu));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
