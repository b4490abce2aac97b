package dev.fabricscope.graph;

import dev.fabricscope.graph.FabricGraph.Edge;
import dev.fabricscope.graph.FabricGraph.Node;
import dev.fabricscope.p2p.Device;
import dev.fabricscope.p2p.DeviceNames;
import dev.fabricscope.p2p.Fabric;
import dev.fabricscope.p2p.P2pAnalyzer;
import dev.fabricscope.p2p.SmiLayout;
import dev.fabricscope.path.Paths;
import dev.fabricscope.path.PcieLink;
import dev.fabricscope.topology.DeviceKind;
import dev.fabricscope.topology.Gpu;
import dev.fabricscope.topology.NvLink;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PortType;
import dev.fabricscope.topology.Report;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds the {@link FabricGraph} of a report. */
public final class FabricGraphs {

  private FabricGraphs() {}

  /** The graph with the names the Matrix tab and {@code topo} give devices (GPU0, NIC1). */
  public static FabricGraph of(Report report, boolean platform) {
    return of(DeviceNames.of(new P2pAnalyzer(report)), platform);
  }

  /**
   * The graph of the report {@code names} were made for, with those names: for a caller that has
   * named a pair in it already, so that the report's fabric and layout are built once.
   */
  public static FabricGraph of(DeviceNames names, boolean platform) {
    Map<String, String> byBdf = new HashMap<>();
    for (SmiLayout.Row r : names.layout().rows()) {
      Device d = names.devices().get(r.device());
      if (d.rdma() == null) {
        byBdf.putIfAbsent(d.bdf(), r.label());
      }
    }
    return of(names.analyzer().fabric(), byBdf, platform);
  }

  /**
   * The graph of a report.
   *
   * @param names device names as the Matrix tab shows them (BDF → GPU0), may be empty
   * @param platform whether to draw platform functions on root buses (chipset, uncore)
   */
  public static FabricGraph of(Report report, Map<String, String> names, boolean platform) {
    return of(new Fabric(report), names, platform);
  }

  private static FabricGraph of(Fabric fabric, Map<String, String> names, boolean platform) {
    Report report = fabric.report();
    Paths paths = fabric.paths();
    Map<String, PciFunction> byBdf = new HashMap<>();
    report.pci().forEach(f -> byBdf.put(f.bdf(), f));
    Map<String, String> product = new HashMap<>();
    for (Gpu g : report.gpus()) {
      if (g.nvml() != null && g.nvml().productName() != null) {
        product.put(g.pciFunction(), g.nvml().productName());
      }
    }
    Map<String, List<String>> keys = SearchKeys.of(report);
    Groups groups = Groups.of(report, byBdf);
    List<Node> nodes = new ArrayList<>(groups.nodes());
    List<Edge> edges = new ArrayList<>();
    Map<String, Integer> vfs = new HashMap<>();
    for (PciFunction f : report.pci()) {
      if (isVf(f, byBdf)) {
        vfs.merge(f.sriov().physfn(), 1, Integer::sum);
      }
    }
    Set<String> nvswitchFunctions = new LinkedHashSet<>();
    for (NvLink l : report.nvlinks()) {
      for (String end : List.of(l.a(), l.b())) {
        PciFunction f = byBdf.get(end);
        if (f != null && f.kind() != DeviceKind.GPU) {
          nvswitchFunctions.add(end);
        }
      }
    }
    Set<String> bridges = new LinkedHashSet<>();
    // platform functions, when drawn, sit in one box per root bus (a grid, not one endless row)
    Map<String, Integer> platformBoxes = new LinkedHashMap<>();
    int hidden = 0;
    for (PciFunction f : report.pci()) {
      if (isVf(f, byBdf)) {
        continue;
      }
      if (!platform && isPlatform(f)) {
        hidden++;
        continue;
      }
      boolean port = isPort(f);
      String shortBdf = f.bdf().startsWith("0000:") ? f.bdf().substring(5) : f.bdf();
      List<String> label = new ArrayList<>();
      String name = names.get(f.bdf());
      if (port) {
        label.add(GraphLabels.portName(f.portType()));
        label.add(shortBdf);
      } else {
        label.add(name == null ? shortBdf : name + " · " + shortBdf);
        label.add(GraphLabels.shortName(product.getOrDefault(f.bdf(), null), f));
        if (vfs.containsKey(f.bdf())) {
          label.add("+" + vfs.get(f.bdf()) + " VFs");
        }
      }
      nodes.add(
          new Node(
              f.bdf(),
              port ? "port" : "device",
              port
                  ? "port"
                  : nvswitchFunctions.contains(f.bdf())
                      ? "nvswitch"
                      : f.kind() == null ? "other" : f.kind().json(),
              label,
              f.deviceName(),
              isPlatform(f) ? "platform:" + hb(f) : groups.parentOf(f),
              Boolean.TRUE.equals(f.acs() == null ? null : f.acs().redirects()),
              vfs.getOrDefault(f.bdf(), 0),
              name,
              keys.getOrDefault(f.bdf(), List.of())));
      if (isPlatform(f)) {
        bridges.add(hb(f));
        platformBoxes.merge(hb(f), 1, Integer::sum);
        continue;
      }
      String from = f.parent();
      if (from == null || !byBdf.containsKey(from)) {
        from = hb(f);
        bridges.add(from);
      }
      // root and downstream ports hang off a bus inside the root complex or the switch: no link
      // there (their own link registers describe the link below them, p2p-rules.md §5.2)
      boolean internal =
          f.portType() == PortType.ROOT_PORT
              || f.portType() == PortType.SWITCH_DOWNSTREAM
              || f.portType() == PortType.RC_INTEGRATED
              || f.parent() == null;
      PcieLink link = internal ? null : paths.link(f.bdf());
      edges.add(
          new Edge(
              from + "->" + f.bdf(),
              internal ? "internal" : "pcie",
              from,
              f.bdf(),
              link == null ? "" : GraphLabels.linkLabel(link),
              link == null ? null : GraphLabels.state(link),
              0));
    }
    for (String b : bridges) {
      nodes.add(
          new Node(
              b,
              "hostbridge",
              "hostbridge",
              List.of("host bridge", b),
              null,
              groups.hostBridgeGroup(b),
              false,
              0,
              null,
              List.of()));
    }
    platformBoxes.forEach(
        (b, n) -> {
          String id = "platform:" + b;
          nodes.add(
              groups.nodes().size(), // with the other boxes, before what they hold
              new Node(
                  id,
                  "platform",
                  "platform",
                  List.of(n + " platform devices"),
                  "chipset and CPU functions on root bus " + b,
                  groups.hostBridgeGroup(b),
                  false,
                  0,
                  null,
                  List.of()));
          edges.add(new Edge(b + "->" + id, "internal", b, id, "", null, 0));
        });
    nvlinks(report, byBdf, groups, nodes, edges);
    return new FabricGraph(groups.prune(nodes), edges, hidden);
  }

  private static void nvlinks(
      Report report,
      Map<String, PciFunction> byBdf,
      Groups groups,
      List<Node> nodes,
      List<Edge> edges) {
    Map<String, Integer> bonds = new LinkedHashMap<>();
    for (NvLink l : report.nvlinks()) {
      String a = l.a().compareTo(l.b()) <= 0 ? l.a() : l.b();
      String b = a.equals(l.a()) ? l.b() : l.a();
      bonds.merge(a + " " + b, l.count(), Integer::sum);
    }
    Set<String> switches = new LinkedHashSet<>();
    Set<String> drawn = new LinkedHashSet<>();
    nodes.forEach(n -> drawn.add(n.id()));
    for (var e : bonds.entrySet()) {
      String[] ab = e.getKey().split(" ");
      String a = endpoint(ab[0], byBdf, switches, drawn);
      String b = endpoint(ab[1], byBdf, switches, drawn);
      edges.add(
          new Edge("nv:" + a + ":" + b, "nvlink", a, b, "NV" + e.getValue(), null, e.getValue()));
    }
    for (String s : switches) {
      PciFunction f = byBdf.get(s);
      nodes.add(
          new Node(
              "nvswitch:" + s,
              "nvswitch",
              "nvswitch",
              List.of("NVSwitch", s.startsWith("0000:") ? s.substring(5) : s),
              null,
              f == null ? null : groups.parentOf(f),
              false,
              0,
              null,
              List.of()));
    }
  }

  /** The node an NVLink end is drawn at: its own when drawn, else a node for an NVSwitch. */
  private static String endpoint(
      String bdf, Map<String, PciFunction> byBdf, Set<String> switches, Set<String> drawn) {
    PciFunction f = byBdf.get(bdf);
    if (f != null && drawn.contains(bdf)) {
      return bdf; // a GPU, or an NVSwitch the report has as a PCI function
    }
    switches.add(bdf);
    return "nvswitch:" + bdf;
  }

  private static String hb(PciFunction f) {
    return f.hostBridge() == null ? "host" : f.hostBridge();
  }

  static boolean isVf(PciFunction f, Map<String, PciFunction> byBdf) {
    return f.sriov() != null && f.sriov().physfn() != null && byBdf.containsKey(f.sriov().physfn());
  }

  static boolean isPort(PciFunction f) {
    return f.portType() == PortType.ROOT_PORT
        || f.portType() == PortType.SWITCH_UPSTREAM
        || f.portType() == PortType.SWITCH_DOWNSTREAM
        || f.portType() == PortType.PCI_BRIDGE
        || f.kind() == DeviceKind.SWITCH_PORT
        || f.kind() == DeviceKind.BRIDGE;
  }

  /** A chipset or CPU uncore function on a root bus: not a port, not a P2P candidate. */
  static boolean isPlatform(PciFunction f) {
    return f.parent() == null
        && !isPort(f)
        && (f.kind() == DeviceKind.OTHER || f.kind() == DeviceKind.BRIDGE);
  }
}
