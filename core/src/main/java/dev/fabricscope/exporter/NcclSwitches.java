package dev.fabricscope.exporter;

import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PortType;
import dev.fabricscope.topology.Report;
import java.util.HashMap;
import java.util.Map;

/**
 * Where NCCL hangs a device in its topology XML (p2p-rules.md §4.3): below the upstream port of the
 * PCIe switch above it, or below its {@code cpu} when no switch is.
 */
final class NcclSwitches {

  private NcclSwitches() {}

  /**
   * The NCCL {@code pci} node a function hangs below (§4.3): up two levels, so the downstream port
   * is skipped and the switch's upstream port is the node; null when that walk leaves the PCI tree
   * (the device hangs off its {@code cpu}). A parent that is itself an upstream port (trees
   * imported from NCCL files, which hold no downstream ports) is the node.
   */
  static String switchParent(Report report, String bdf) {
    Map<String, PciFunction> m = new HashMap<>();
    report.pci().forEach(f -> m.put(f.bdf(), f));
    return switchParent(m, bdf);
  }

  static String switchParent(Map<String, PciFunction> m, String bdf) {
    PciFunction f = m.get(bdf);
    String p1 = f == null ? null : f.parent();
    if (p1 == null) {
      return null;
    }
    PciFunction up = m.get(p1);
    if (up != null && up.portType() == PortType.SWITCH_UPSTREAM) {
      return p1;
    }
    return up == null ? null : up.parent();
  }
}
