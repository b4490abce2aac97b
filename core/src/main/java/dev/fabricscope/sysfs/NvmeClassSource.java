package dev.fabricscope.sysfs;

import dev.fabricscope.topology.NvmeController;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads {@code /sys/class/nvme}: controllers, their transport, PCI function and CMB. */
public final class NvmeClassSource {

  static final String NVME = "/sys/class/nvme";
  static final String BLOCK = "/sys/class/block";

  /**
   * A namespace block device {@code nvme<controller>n<namespace>} (not a partition); numbers of
   * more than 9 digits are no device the kernel names (and would not fit an int).
   */
  private static final Pattern NAMESPACE = Pattern.compile("nvme(\\d{1,9})n\\d{1,9}");

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
      return fromBlockNamespaces();
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
   * Kernels before 4.x (the legacy nvme driver; hwloc's 32em64t-2n8c+dax+nvme+mic+dimms gather)
   * have no {@code /sys/class/nvme}: a controller is only a misc device, but its namespaces {@code
   * nvme<C>n<N>} are in {@code /sys/class/block} below the PCI function, which is how hwloc finds
   * NVMe. Without this, such hosts reported no NVMe at all. Model, serial and firmware are not
   * readable there and stay unknown.
   */
  private List<NvmeController> fromBlockNamespaces() {
    List<NvmeController> out = new ArrayList<>();
    if (!root.isDirectory(BLOCK)) {
      return out;
    }
    Map<Integer, String> controllers = new TreeMap<>();
    for (String name : root.list(BLOCK)) {
      Matcher m = NAMESPACE.matcher(name);
      if (!m.matches()) {
        continue;
      }
      String entry = BLOCK + "/" + name;
      String path = root.resolve(entry).or(() -> root.linkText(entry)).orElse(entry);
      String pci = ClassDevices.lastBdf(path);
      controllers.merge(
          Integer.parseInt(m.group(1)), pci == null ? "" : pci, (a, b) -> a.isEmpty() ? b : a);
    }
    controllers.forEach(
        (n, pci) -> {
          String name = "nvme" + n;
          boolean onPci = !pci.isEmpty();
          diag.add(
              NVME,
              "missing (kernel without the nvme class): "
                  + name
                  + " derived from its namespaces in "
                  + BLOCK
                  + "; model, serial and firmware unknown");
          out.add(
              new NvmeController(
                  name, onPci ? pci : null, null, null, null, onPci ? "pcie" : null, null));
        });
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
