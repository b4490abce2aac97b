package dev.fabricscope.sysfs;

import dev.fabricscope.topology.DeviceKind;
import dev.fabricscope.topology.Gpu;
import dev.fabricscope.topology.Host;
import dev.fabricscope.topology.NetInterface;
import dev.fabricscope.topology.NvmeController;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.RdmaDevice;
import dev.fabricscope.topology.Report;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Discovers a host's fabric from one {@link SysfsRoot}: host, PCI tree, network interfaces, RDMA
 * devices and NVMe controllers, each read by its own source. Never throws on missing or unreadable
 * files: they become unknown values with a diagnostic.
 */
public final class SysfsDiscovery {

  /** Report {@code source} for a live or gathered sysfs tree. */
  public static final String SOURCE = "sysfs";

  private final PciIds ids;

  public SysfsDiscovery(PciIds ids) {
    this.ids = ids;
  }

  /** With the host's (or bundled) pci.ids. */
  public SysfsDiscovery() {
    this(PciIds.shared());
  }

  /** Thrown when the root is not a sysfs tree at all (bad input, not a partial tree). */
  public static final class NotSysfsException extends IllegalArgumentException {
    public NotSysfsException(String message) {
      super(message);
    }
  }

  /** Checks that the root looks like {@code /} of a Linux machine (has {@code sys/}). */
  public static void requireSysfs(SysfsRoot root) {
    if (!root.isDirectory("/sys")) {
      throw new NotSysfsException("not a sysfs tree: " + root.root() + " has no sys/ folder");
    }
    if (!root.isDirectory("/sys/bus")
        && !root.isDirectory("/sys/class")
        && !root.isDirectory("/sys/devices")) {
      throw new NotSysfsException(
          "not a sysfs tree: " + root.root() + "/sys has none of bus/, class/, devices/");
    }
  }

  /** Runs every source and assembles the report. */
  public Report discover(SysfsRoot root) {
    requireSysfs(root);
    root.takeRefusedLinks(); // those of an earlier scan were reported with it
    Diagnostics diag = new Diagnostics();
    Host host = new HostSource(root, diag).read();
    List<PciFunction> pci = new PciSysfsSource(root, ids, diag).read();
    Map<String, PciFunction> byBdf = new LinkedHashMap<>();
    pci.forEach(f -> byBdf.put(f.bdf(), f));
    List<NetInterface> net = new NetClassSource(root, diag).read();
    List<RdmaDevice> rdma = new InfinibandClassSource(root, diag).read(net, byBdf);
    List<NvmeController> nvme = new NvmeClassSource(root, diag).read();
    pci = markRdmaFunctions(pci, rdma);
    // the reads behind such a link said why they failed; the link itself is said once here, as
    // listings and existence checks behind it have no diagnostic of their own
    root.takeRefusedLinks().forEach(diag::add);
    return new Report(
        Report.SCHEMA_VERSION,
        SOURCE,
        host,
        pci,
        rdma,
        net,
        nvme,
        gpus(pci),
        List.of(),
        diag.list());
  }

  /**
   * A NIC that carries a hardware RDMA device (a ConnectX in Ethernet mode) is an RDMA function;
   * one that only carries rxe/siw stays a NIC.
   */
  static List<PciFunction> markRdmaFunctions(List<PciFunction> pci, List<RdmaDevice> rdma) {
    Set<String> hw =
        rdma.stream()
            .filter(r -> r.provider() == RdmaDevice.Provider.HARDWARE && r.pciFunction() != null)
            .map(RdmaDevice::pciFunction)
            .collect(Collectors.toSet());
    if (hw.isEmpty()) {
      return pci;
    }
    List<PciFunction> out = new ArrayList<>(pci.size());
    for (PciFunction f : pci) {
      out.add(f.kind() == DeviceKind.NIC && hw.contains(f.bdf()) ? f.withKind(DeviceKind.RDMA) : f);
    }
    return out;
  }

  /** The GPUs among the functions. */
  static List<Gpu> gpus(List<PciFunction> pci) {
    return pci.stream()
        .filter(f -> f.kind() == DeviceKind.GPU)
        .map(f -> new Gpu(f.bdf(), f.vendorName(), f.deviceName(), f.driver(), f.numaNode(), null))
        .toList();
  }
}
