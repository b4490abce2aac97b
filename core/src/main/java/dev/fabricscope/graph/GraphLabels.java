package dev.fabricscope.graph;

import dev.fabricscope.path.PcieLink;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PortType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The words {@link FabricGraphs} puts on nodes and edges: port roles, short names, link labels. */
final class GraphLabels {

  private static final Map<Double, String> GEN =
      Map.of(
          2.5, "Gen1", 5.0, "Gen2", 8.0, "Gen3", 16.0, "Gen4", 32.0, "Gen5", 64.0, "Gen6", 128.0,
          "Gen7");

  private GraphLabels() {}

  static String portName(PortType t) {
    if (t == null) {
      return "bridge";
    }
    return switch (t) {
      case ROOT_PORT -> "root port";
      case SWITCH_UPSTREAM -> "upstream";
      case SWITCH_DOWNSTREAM -> "downstream";
      case PCI_BRIDGE -> "PCI bridge";
      default -> "bridge";
    };
  }

  // the driver's product name first: pci.ids may not know a new GPU (10de:2335, the H200)
  static String shortName(String product, PciFunction f) {
    String n =
        product != null
            ? product
            : f.deviceName() != null
                ? f.deviceName()
                : f.vendorName() != null
                    ? f.vendorName()
                    : f.kind() == null ? "device" : f.kind().json();
    return n.length() > 26 ? n.substring(0, 25) + "…" : n;
  }

  static String linkLabel(PcieLink l) {
    if (l.currentGTs() == null && l.currentWidth() == null) {
      return l.rawGBps() == null ? "" : String.format(Locale.ROOT, "%.1f GB/s", l.rawGBps());
    }
    List<String> parts = new ArrayList<>();
    if (l.currentGTs() != null) {
      parts.add(GEN.getOrDefault(l.currentGTs(), fmt(l.currentGTs()) + " GT/s"));
    }
    if (l.currentWidth() != null) {
      parts.add("x" + l.currentWidth());
    }
    return String.join(" ", parts);
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }

  static String state(PcieLink l) {
    return switch (l.state()) {
      case OK -> "ok";
      case DOWNTRAINED -> "downtrained";
      case BELOW_CAPABLE_SPEED -> "below-capable-speed";
      case UNKNOWN -> "unknown";
    };
  }
}
