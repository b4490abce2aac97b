package dev.fabricscope.exporter;

import dev.fabricscope.p2p.LinkMath;
import dev.fabricscope.sysfs.PciTopology;
import dev.fabricscope.topology.Host;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PciLink.LinkState;
import dev.fabricscope.topology.PortType;
import dev.fabricscope.topology.Report;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes hwloc 2.x XML ({@code <topology version="2.0">}, fixtures README "hwloc-xml/"), loadable
 * by {@code lstopo --input} and by our own importer.
 *
 * <p>What the report knows is written, nothing more: a Machine (host name, kernel, architecture and
 * CPU identification as infos); the report's Packages, NUMA nodes (memory children of the package
 * that is the node, else of a Group per node, else of the Machine) and a Core+PU per CPU, nested by
 * cpuset as hwloc nests them ({@link HwlocMachineWriter}), with the host bridges local to a node
 * below the object holding it; host bridges as {@code type="Bridge" bridge_type="0-1"
 * bridge_pci="dddd:[bb-ss]"} (a root bus without a name is named after the bus of its functions,
 * one per NUMA node); PCI bridges ({@code bridge_type="1-1"}, bus range from the functions below)
 * and PCIDevs with {@code pci_busid}, {@code pci_type} ({@code "cccc [vvvv:dddd] [ssss:ssss] rr
 * pp"}: the prog-if as hwloc 3.0 appends it, which 2.x readers ignore and which keeps NVMe
 * recognisable) and {@code pci_link_speed} in GB/s per direction after encoding from the current
 * link (p2p-rules.md §5; hwloc's unit, not GT/s). OS devices and NVLinks are written by {@link
 * HwlocOsDevWriter}.
 */
public final class HwlocXmlExporter {

  private final Report report;
  private final Map<String, PciFunction> byBdf = new HashMap<>();
  private final Map<String, List<PciFunction>> children = new HashMap<>();
  private final Map<String, List<PciFunction>> roots = new TreeMap<>();
  private final HwlocOsDevWriter osdevs;
  private int gp = 1;

  private HwlocXmlExporter(Report report) {
    this.report = report;
    this.osdevs = new HwlocOsDevWriter(report);
    report.pci().forEach(f -> byBdf.put(f.bdf(), f));
    for (PciFunction f : report.pci()) {
      if (f.parent() != null && byBdf.containsKey(f.parent())) {
        children.computeIfAbsent(f.parent(), k -> new ArrayList<>()).add(f);
      } else {
        roots.computeIfAbsent(rootBus(f), k -> new ArrayList<>()).add(f);
      }
    }
    children.values().forEach(l -> l.sort((x, y) -> PciTopology.compareBdf(x.bdf(), y.bdf())));
  }

  /** The hwloc XML of a report. */
  public static String write(Report report) {
    return new HwlocXmlExporter(report).build();
  }

  private String build() {
    Host host = report.host();
    HwlocMachineWriter machine = new HwlocMachineWriter(host, () -> gp++);
    List<Integer> withCpus = machine.nodesWithCpus();
    // host bridges by the NUMA node of their functions; unknown, or a node without CPUs (hwloc
    // places I/O by CPU locality), → below the Machine
    Map<Integer, List<String>> local = new HashMap<>();
    for (var e : roots.entrySet()) {
      Integer n =
          e.getValue().stream()
              .map(PciFunction::numaNode)
              .filter(x -> x != null && withCpus.contains(x))
              .findFirst()
              .orElse(null);
      if (withCpus.size() == 1) {
        n = withCpus.get(0); // one node with CPUs: everything is local to it
      }
      local.computeIfAbsent(n, k -> new ArrayList<>()).add(e.getKey());
    }
    XmlWriter w = new XmlWriter("<!DOCTYPE topology SYSTEM \"hwloc2.dtd\">");
    w.start("topology", "version", "2.0");
    machine.write(
        w,
        x -> machineInfos(x, host),
        (x, node) -> {
          for (String hb : local.getOrDefault(node, List.of())) {
            hostBridge(x, hb);
          }
        });
    osdevs.nvlinks(w);
    return w.end().done();
  }

  private void machineInfos(XmlWriter w, Host host) {
    if (host == null) {
      return;
    }
    info(w, "HostName", host.name());
    info(w, "OSRelease", host.kernelVersion());
    info(w, "Architecture", host.architecture());
    Host.Cpu c = host.cpu();
    if (c != null) {
      info(w, "CPUVendor", c.vendor());
      info(w, "CPUFamilyNumber", c.family() == null ? null : String.valueOf(c.family()));
      info(w, "CPUModelNumber", c.model() == null ? null : String.valueOf(c.model()));
      info(w, "CPUModel", c.modelName());
    }
  }

  static void info(XmlWriter w, String name, String value) {
    if (value != null) {
      w.empty("info", "name", name, "value", value);
    }
  }

  private void hostBridge(XmlWriter w, String hb) {
    List<PciFunction> top = roots.get(hb);
    top.sort((x, y) -> PciTopology.compareBdf(x.bdf(), y.bdf()));
    hb = hb.contains("#") ? hb.substring(0, hb.indexOf('#')) : hb;
    String domain = hb.substring(3, hb.indexOf(':'));
    int bus = Integer.parseInt(hb.substring(hb.indexOf(':') + 1), 16);
    int sub = bus;
    for (PciFunction f : top) {
      sub = Math.max(sub, maxBus(f));
    }
    w.start(
        "object",
        "type",
        "Bridge",
        "gp_index",
        String.valueOf(gp++),
        "bridge_type",
        "0-1",
        "depth",
        "0",
        "bridge_pci",
        range(domain, bus, sub));
    for (PciFunction f : top) {
      pci(w, f, 1);
    }
    w.end();
  }

  private void pci(XmlWriter w, PciFunction f, int depth) {
    List<PciFunction> kids = children.getOrDefault(f.bdf(), List.of());
    boolean bridge = !kids.isEmpty() || isBridge(f);
    Map<String, String> a = new LinkedHashMap<>();
    a.put("type", bridge ? "Bridge" : "PCIDev");
    a.put("gp_index", String.valueOf(gp++));
    if (bridge) {
      a.put("bridge_type", "1-1");
      a.put("depth", String.valueOf(depth));
      a.put("bridge_pci", busRange(f, kids));
    }
    a.put("pci_busid", f.bdf());
    a.put("pci_type", pciType(f));
    a.put("pci_link_speed", linkSpeed(f));
    String[] attrs =
        a.entrySet().stream()
            .flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue()))
            .toArray(String[]::new);
    osdevs.remember(f.bdf(), a.get("type"), a.get("gp_index"));
    if (kids.isEmpty() && !osdevs.has(f.bdf())) {
      w.empty("object", attrs);
      return;
    }
    w.start("object", attrs);
    for (PciFunction k : kids) {
      pci(w, k, depth + 1);
    }
    gp = osdevs.write(w, f, gp);
    w.end();
  }

  private static boolean isBridge(PciFunction f) {
    PortType t = f.portType();
    int cls = PciTopology.class24(f.classCode());
    return t == PortType.ROOT_PORT
        || t == PortType.SWITCH_UPSTREAM
        || t == PortType.SWITCH_DOWNSTREAM
        || t == PortType.PCI_BRIDGE
        || cls >= 0 && PciTopology.isBridgeClass(cls);
  }

  /**
   * {@code "0604 [10b5:9781] [10b5:9781] b0 00"}; unknown ids are {@code ffff}; a class known to 16
   * bits only (hwloc XML before 3.0) is written as hwloc 2.x wrote it, without prog-if.
   */
  static String pciType(PciFunction f) {
    int cls = PciTopology.class24(f.classCode());
    boolean progIf = cls >= 0 && f.classCode().length() > 6;
    String base =
        String.format(
            Locale.ROOT,
            "%04x [%s:%s] [%s:%s] %s",
            cls < 0 ? 0xffff : cls >> 8,
            id(f.vendorId(), 4),
            id(f.deviceId(), 4),
            id(f.subsystemVendorId(), 4),
            id(f.subsystemDeviceId(), 4),
            id(f.revision(), 2));
    return progIf ? base + String.format(Locale.ROOT, " %02x", cls & 0xff) : base;
  }

  private static String id(String hex, int digits) {
    int v = PciTopology.hex(hex);
    return v < 0
        ? "f".repeat(digits)
        : String.format(Locale.ROOT, "%0" + digits + "x", v & ((1 << (4 * digits)) - 1));
  }

  /** GB/s per direction after encoding of the current link, else what a foreign tool reported. */
  static String linkSpeed(PciFunction f) {
    if (f.link() == null) {
      return null;
    }
    LinkState s = f.link().current();
    Double gbps = null;
    if (s != null && s.speedGTs() != null && s.width() != null && s.width() > 0) {
      gbps = LinkMath.rawGBps(s.speedGTs(), s.width());
    } else if (f.link().reportedGBps() != null) {
      gbps = f.link().reportedGBps();
    }
    return gbps == null ? null : String.format(Locale.ROOT, "%f", gbps);
  }

  /**
   * {@code dddd:[secondary-subordinate]}: from config space where the report has it (sysfs, hwloc
   * XML), else the buses of the functions below (an empty bridge then gets its own bus: unknown).
   */
  private String busRange(PciFunction f, List<PciFunction> kids) {
    String domain = f.bdf().substring(0, f.bdf().indexOf(':'));
    PciFunction.ConfigInfo c = f.config();
    if (c != null && c.secondaryBus() != null && c.subordinateBus() != null) {
      return range(domain, c.secondaryBus(), c.subordinateBus());
    }
    int own = bus(f.bdf());
    int sec = kids.stream().mapToInt(k -> bus(k.bdf())).min().orElse(own);
    return range(domain, sec, maxBus(f));
  }

  private int maxBus(PciFunction f) {
    int m = bus(f.bdf());
    if (f.config() != null && f.config().subordinateBus() != null) {
      m = Math.max(m, f.config().subordinateBus());
    }
    for (PciFunction k : children.getOrDefault(f.bdf(), List.of())) {
      m = Math.max(m, maxBus(k));
    }
    return m;
  }

  private static int bus(String bdf) {
    int c = bdf.indexOf(':');
    return Integer.parseInt(bdf.substring(c + 1, c + 3), 16);
  }

  private static String range(String domain, int from, int to) {
    return String.format(Locale.ROOT, "%s:[%02x-%02x]", domain, from, to);
  }

  /** The function's root bus: its host bridge, else named after its own domain and bus. */
  private static String rootBus(PciFunction f) {
    if (f.hostBridge() != null && PciTopology.HOST_BRIDGE.matcher(f.hostBridge()).matches()) {
      return f.hostBridge();
    }
    // NCCL files put switches of both sockets on one virtual bus (ffff:ff): one bridge per node
    return "pci" + f.bdf().substring(0, f.bdf().indexOf(':') + 3) + "#" + f.numaNode();
  }
}
