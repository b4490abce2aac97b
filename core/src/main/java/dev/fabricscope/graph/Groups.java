package dev.fabricscope.graph;

import dev.fabricscope.graph.FabricGraph.Node;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PortType;
import dev.fabricscope.topology.Report;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The boxes of the graph: one per NUMA node when the host has several (each root bus in the box of
 * the first function below it that names its node), one per PCIe switch (its upstream port and
 * downstream ports).
 */
final class Groups {

  private static final String HOST = "host";
  private static final String UNKNOWN_NUMA = "numa:?";

  private final Map<String, String> switchOf = new HashMap<>();
  private final Map<String, String> numaOf = new LinkedHashMap<>();
  private final boolean numaBoxes;
  private final List<Node> nodes = new ArrayList<>();

  private Groups(boolean numaBoxes) {
    this.numaBoxes = numaBoxes;
  }

  static Groups of(Report report, Map<String, PciFunction> byBdf) {
    Map<String, String> numa = new LinkedHashMap<>();
    for (PciFunction f : report.pci()) {
      String hb = hb(f);
      if (f.numaNode() != null && f.numaNode() >= 0 && !numa.containsKey(hb)) {
        numa.put(hb, "numa:" + f.numaNode());
      }
    }
    Set<String> ids = new LinkedHashSet<>(numa.values());
    Groups g = new Groups(ids.size() > 1);
    g.numaOf.putAll(numa);
    if (g.numaBoxes) {
      for (PciFunction f : report.pci()) {
        g.numaOf.putIfAbsent(hb(f), UNKNOWN_NUMA);
      }
      if (g.numaOf.containsValue(UNKNOWN_NUMA)) {
        ids.add(UNKNOWN_NUMA);
      }
      for (String id : ids) {
        g.nodes.add(
            new Node(
                id,
                "numa",
                "numa",
                List.of(
                    id.equals(UNKNOWN_NUMA) ? "NUMA node unknown" : "NUMA node " + id.substring(5)),
                null,
                null,
                false,
                0,
                null,
                List.of()));
      }
    }
    for (PciFunction f : report.pci()) {
      if (f.portType() == PortType.SWITCH_UPSTREAM) {
        g.switchOf.put(f.bdf(), "sw:" + f.bdf());
      }
    }
    for (PciFunction f : report.pci()) {
      PciFunction up = f.parent() == null ? null : byBdf.get(f.parent());
      if (f.portType() == PortType.SWITCH_DOWNSTREAM
          && up != null
          && up.portType() == PortType.SWITCH_UPSTREAM) {
        g.switchOf.put(f.bdf(), "sw:" + up.bdf());
      }
    }
    for (String id : new LinkedHashSet<>(g.switchOf.values())) {
      PciFunction up = byBdf.get(id.substring(3));
      String vendor =
          up.vendorName() == null || up.vendorName().isBlank()
              ? ""
              : " · " + up.vendorName().split(" ")[0];
      g.nodes.add(
          new Node(
              id,
              "switch",
              "switch",
              List.of("switch" + vendor),
              up.deviceName(),
              g.groupOf(up),
              false,
              0,
              null,
              List.of()));
    }
    return g;
  }

  private static String hb(PciFunction f) {
    return f.hostBridge() == null ? HOST : f.hostBridge();
  }

  List<Node> nodes() {
    return nodes;
  }

  /** The NUMA box of a function's root bus, null without NUMA boxes. */
  String groupOf(PciFunction f) {
    return numaBoxes ? numaOf.get(hb(f)) : null;
  }

  /** The box a function is drawn in: its switch, else its NUMA node's. */
  String parentOf(PciFunction f) {
    String sw = switchOf.get(f.bdf());
    return sw != null ? sw : groupOf(f);
  }

  String hostBridgeGroup(String bridge) {
    return numaBoxes ? numaOf.get(bridge) : null;
  }

  /** Drops NUMA boxes nothing is drawn in. */
  List<Node> prune(List<Node> all) {
    Set<String> used = new HashSet<>();
    for (Node n : all) {
      if (n.parent() != null) {
        used.add(n.parent());
      }
    }
    List<Node> out = new ArrayList<>();
    for (Node n : all) {
      if (!n.type().equals("numa") || used.contains(n.id())) {
        out.add(n);
      }
    }
    return out;
  }
}
