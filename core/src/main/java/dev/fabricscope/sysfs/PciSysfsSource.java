package dev.fabricscope.sysfs;

import dev.fabricscope.topology.Acs;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PciFunction.ConfigInfo;
import dev.fabricscope.topology.PciFunction.Iommu;
import dev.fabricscope.topology.PciFunction.P2pMem;
import dev.fabricscope.topology.PciFunction.Sriov;
import dev.fabricscope.topology.PciLink;
import dev.fabricscope.topology.PciLink.LinkState;
import dev.fabricscope.topology.PortType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code /sys/bus/pci/devices} (p2p-rules.md §6.1): one directory listing, then each
 * function's attribute files, then the tree assembled by {@link PciTopology}.
 */
public final class PciSysfsSource {

  static final String DEVICES = "/sys/bus/pci/devices";

  private final SysfsRoot root;
  private final PciIds ids;
  private final Diagnostics diag;
  private final Map<String, String> groupTypes = new HashMap<>();

  public PciSysfsSource(SysfsRoot root, PciIds ids, Diagnostics diag) {
    this.root = root;
    this.ids = ids;
    this.diag = diag;
  }

  /** What one function's files say, before the tree is known. */
  record Raw(
      String bdf,
      String dir,
      PciTopology.Placement placement,
      String vendorId,
      String deviceId,
      String subVendorId,
      String subDeviceId,
      String classCode,
      String revision,
      String driver,
      Integer numaNode,
      String localCpulist,
      Iommu iommu,
      Sriov sriov,
      P2pMem p2pmem,
      LinkState current,
      LinkState max,
      ConfigSpace config) {}

  /** Discovers every function, sorted by BDF. */
  public List<PciFunction> read() {
    if (!root.isDirectory(DEVICES)) {
      diag.add(DEVICES, "missing: no PCI bus, or not gathered");
      return List.of();
    }
    Map<String, Raw> raws = new LinkedHashMap<>();
    for (String name : root.list(DEVICES)) {
      if (!PciTopology.BDF.matcher(name).matches()) {
        diag.add(DEVICES + "/" + name, "not a PCI address; skipped");
        continue;
      }
      raws.put(name, readOne(name));
    }
    return PciAssembler.assemble(raws, ids, diag);
  }

  private Raw readOne(String bdf) {
    String entry = DEVICES + "/" + bdf;
    String dir = entry;
    PciTopology.Placement placement = new PciTopology.Placement(null, null);
    if (root.isLink(entry)) {
      String resolved = root.resolve(entry).orElse(null);
      if (resolved == null || !resolved.startsWith("/sys/devices/")) {
        diag.add(entry, "link does not lead into /sys/devices inside the root: parent unknown");
      } else {
        dir = resolved;
        placement = PciTopology.place(resolved);
        if (placement.hostBridge() == null) {
          diag.add(entry, "no pciDDDD:BB component in " + resolved + ": host bridge unknown");
        }
      }
    } else {
      // seen in real gathers (POWER9 with GPU NUMA nodes): plain empty folders, no nesting
      diag.add(entry, "not a link to /sys/devices: parent and host bridge unknown");
    }
    SysfsRoot.Dir d = root.dir(dir);
    String vendor = required(d, "vendor");
    String device = required(d, "device");
    String cls = required(d, "class");
    String subVendor = required(d, "subsystem_vendor");
    String subDevice = required(d, "subsystem_device");
    String revision = d.textOpt("revision").orElse(null);
    String driver = d.linkText("driver").map(SysfsPaths::baseName).orElse(null);
    Integer numa = numaNode(d);
    String cpulist = required(d, "local_cpulist");
    LinkState current = link(d, "current_link_speed", "current_link_width");
    LinkState max = link(d, "max_link_speed", "max_link_width");
    SysfsRoot.Read<byte[]> cfgRead = d.bytes("config");
    byte[] cfg = cfgRead.value();
    ConfigSpace config = null;
    if (cfg == null) {
      diag.failed(dir + "/config", cfgRead);
    } else {
      config = ConfigSpace.parse(cfg);
      if (!config.beyondHeader()) {
        diag.add(
            dir + "/config",
            "only "
                + cfg.length
                + " bytes readable (needs root): ACS, port type, LnkCap/LnkSta, MPS unknown");
      } else if (config.pcie() != null && Acs.UNKNOWN.equals(config.acs().state())) {
        diag.add(dir + "/config", cfg.length + " bytes: extended capabilities (ACS) unknown");
      }
    }
    if (revision == null && cfg != null && cfg.length > 8) {
      // older kernels and gathers have no revision file: it is byte 8 of the header, which
      // is readable without root (hwloc takes it from there too)
      revision = String.format("0x%02x", cfg[8] & 0xff);
    }
    if (config != null && config.pcie() != null && current == null) {
      diag.add(dir + "/current_link_speed", "missing on a PCI Express function: link unknown");
    }
    return new Raw(
        bdf, dir, placement, vendor, device, subVendor, subDevice, cls, revision, driver, numa,
        cpulist, iommu(d), sriov(d), p2pmem(d), current, max, config);
  }

  private String required(SysfsRoot.Dir d, String file) {
    SysfsRoot.Read<String> r = d.text(file);
    if (!r.ok()) {
      diag.failed(d.path() + "/" + file, r);
    }
    return r.value();
  }

  private Integer numaNode(SysfsRoot.Dir d) {
    String s = required(d, "numa_node");
    if (s == null) {
      return null;
    }
    try {
      int n = Integer.parseInt(s);
      return n < 0 ? null : n; // -1: firmware gave no locality
    } catch (NumberFormatException e) {
      diag.add(d.path() + "/numa_node", "not a number: " + s);
      return null;
    }
  }

  private LinkState link(SysfsRoot.Dir d, String speedFile, String widthFile) {
    SysfsRoot.Read<String> speed = d.text(speedFile);
    if (!speed.ok()) {
      return null; // conventional PCI functions and old kernels have no link files
    }
    Double gts = LinkSpeeds.parseSysfs(speed.value());
    if (gts == null) {
      diag.add(
          d.path() + "/" + speedFile, "speed not known to the kernel: '" + speed.value() + "'");
    }
    Integer width = null;
    SysfsRoot.Read<String> w = d.text(widthFile);
    if (!w.ok()) {
      diag.failed(d.path() + "/" + widthFile, w);
    } else {
      try {
        width = Integer.parseInt(w.value());
      } catch (NumberFormatException e) {
        diag.add(d.path() + "/" + widthFile, "not a number: " + w.value());
      }
    }
    return new LinkState(gts, width);
  }

  private Iommu iommu(SysfsRoot.Dir d) {
    String text = d.linkText("iommu_group").orElse(null);
    if (text == null) {
      return null; // no IOMMU translating for this function
    }
    String name = SysfsPaths.baseName(text);
    int group;
    try {
      group = Integer.parseInt(name);
    } catch (NumberFormatException e) {
      diag.add(d.path() + "/iommu_group", "not a group number: " + text);
      return null;
    }
    String type =
        groupTypes.computeIfAbsent(
            name,
            g -> {
              String path = "/sys/kernel/iommu_groups/" + g + "/type";
              SysfsRoot.Read<String> r = root.text(path);
              if (!r.ok()) {
                diag.failed(path, r);
              }
              return r.value() == null ? "" : r.value();
            });
    return new Iommu(group, type.isEmpty() ? null : type);
  }

  private Sriov sriov(SysfsRoot.Dir d) {
    String physfn = d.linkText("physfn").map(SysfsPaths::baseName).orElse(null);
    Integer total = d.textOpt("sriov_totalvfs").map(PciSysfsSource::intOrNull).orElse(null);
    if (physfn == null && total == null) {
      return null;
    }
    List<String> vfs = new ArrayList<>();
    Integer num = null;
    if (total != null) {
      num = d.textOpt("sriov_numvfs").map(PciSysfsSource::intOrNull).orElse(null);
      // virtfn0..virtfnN-1, in number order (a listing sorts virtfn10 before virtfn2)
      for (int i = 0; d.has("virtfn" + i); i++) {
        d.linkText("virtfn" + i).map(SysfsPaths::baseName).ifPresent(vfs::add);
      }
    }
    return new Sriov(physfn, vfs, total, num);
  }

  private P2pMem p2pmem(SysfsRoot.Dir d) {
    if (!d.has("p2pmem")) {
      return null;
    }
    String p = d.path() + "/p2pmem";
    Long size = root.textOpt(p + "/size").map(PciSysfsSource::longOrNull).orElse(null);
    Long avail = root.textOpt(p + "/available").map(PciSysfsSource::longOrNull).orElse(null);
    Boolean published = root.textOpt(p + "/published").map(s -> s.equals("1")).orElse(null);
    if (size == null || avail == null || published == null) {
      diag.add(p, "p2pmem present but size, available or published unreadable");
    }
    return new P2pMem(size, avail, published);
  }

  static Integer intOrNull(String s) {
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static Long longOrNull(String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The link as the function sees it, plus config-space LnkCap/LnkSta. */
  static PciLink linkOf(Raw r, Raw upstream) {
    LinkState cap =
        r.config() != null && r.config().pcie() != null ? r.config().pcie().lnkCap() : null;
    LinkState sta =
        r.config() != null && r.config().pcie() != null ? r.config().pcie().lnkSta() : null;
    PciLink.Upstream up =
        upstream == null
            ? null
            : new PciLink.Upstream(upstream.bdf(), upstream.current(), upstream.max());
    if (r.current() == null && r.max() == null && cap == null && up == null) {
      return null;
    }
    return new PciLink(r.current(), r.max(), cap, sta, up, null);
  }

  static ConfigInfo configInfo(Raw r) {
    ConfigSpace c = r.config();
    if (c == null) {
      return null;
    }
    if (!c.beyondHeader()) {
      return new ConfigInfo(
          c.length(), null, null, null, null, null, c.secondaryBus(), c.subordinateBus());
    }
    var p = c.pcie();
    return new ConfigInfo(
        c.length(),
        p != null,
        p == null ? null : p.mpsBytes(),
        p == null ? null : p.mpsSupportedBytes(),
        p == null ? null : p.mrrsBytes(),
        c.ats(),
        c.secondaryBus(),
        c.subordinateBus());
  }

  static PortType configPortType(Raw r) {
    ConfigSpace c = r.config();
    return c != null && c.pcie() != null ? c.pcie().portType() : null;
  }
}
