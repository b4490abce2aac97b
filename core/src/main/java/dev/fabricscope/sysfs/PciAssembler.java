package dev.fabricscope.sysfs;

import dev.fabricscope.topology.Acs;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PortType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the raw reads of {@link PciSysfsSource} into {@link PciFunction}s once the tree is known.
 */
final class PciAssembler {

  private PciAssembler() {}

  /**
   * The nearest bridge above a function that bus/pci/devices lists: the path's own parent almost
   * always; when a bridge in the path has no entry (seen on some firmware-hidden bridges), the next
   * listed one up, so every parent in a report is a function of the report.
   */
  static String listedParent(
      PciSysfsSource.Raw r, Map<String, PciSysfsSource.Raw> raws, Diagnostics diag) {
    String named = r.placement().parent();
    if (named == null || raws.containsKey(named)) {
      return named;
    }
    String[] parts = r.dir().split("/");
    String found = null;
    boolean below = false;
    for (int i = parts.length - 2; i >= 0 && found == null; i--) {
      if (PciTopology.HOST_BRIDGE.matcher(parts[i]).matches()) {
        break;
      }
      if (raws.containsKey(parts[i])) {
        found = parts[i];
      }
      below = true;
    }
    if (diag != null && below) {
      diag.add(
          r.dir(),
          "parent "
              + named
              + " is not in "
              + PciSysfsSource.DEVICES
              + (found == null ? ": placed on the root bus" : ": placed below " + found));
    }
    return found;
  }

  static List<PciFunction> assemble(
      Map<String, PciSysfsSource.Raw> raws, PciIds ids, Diagnostics diag) {
    Map<String, PciTopology.Node> nodes = new HashMap<>();
    Map<String, PortType> known = new HashMap<>();
    for (PciSysfsSource.Raw r : raws.values()) {
      int cls = PciTopology.hex(r.classCode());
      boolean bridge = cls >= 0 && PciTopology.isBridgeClass(cls);
      String parent = listedParent(r, raws, null);
      nodes.put(r.bdf(), new PciTopology.Node(parent, bridge));
      PortType fromConfig = PciSysfsSource.configPortType(r);
      if (fromConfig != null) {
        known.put(r.bdf(), fromConfig);
      } else if (r.config() != null && r.config().beyondHeader()) {
        // config space readable but no PCIe capability: a conventional PCI function
        known.put(
            r.bdf(),
            bridge
                ? PortType.PCI_BRIDGE
                : parent == null ? PortType.RC_INTEGRATED : PortType.ENDPOINT);
      }
    }
    Map<String, PortType> types = PciTopology.inferPortTypes(nodes, known);
    List<PciFunction> out = new ArrayList<>();
    for (String bdf : PciTopology.sortBdfs(new ArrayList<>(raws.keySet()))) {
      PciSysfsSource.Raw r = raws.get(bdf);
      String parent = listedParent(r, raws, diag);
      PortType type = types.getOrDefault(bdf, PortType.UNKNOWN);
      boolean fromConfig = known.containsKey(bdf);
      int cls = PciTopology.hex(r.classCode());
      int vendor = PciTopology.hex(r.vendorId());
      int device = PciTopology.hex(r.deviceId());
      Acs acs = r.config() == null ? Acs.unknown() : r.config().acs();
      out.add(
          new PciFunction(
              bdf,
              parent,
              r.placement().hostBridge(),
              r.vendorId(),
              r.deviceId(),
              r.subVendorId(),
              r.subDeviceId(),
              r.classCode(),
              r.revision(),
              vendor < 0 ? null : ids.vendor(vendor),
              vendor < 0 || device < 0 ? null : ids.device(vendor, device),
              PciTopology.kind(cls, vendor, type),
              type,
              fromConfig ? PciFunction.FROM_CONFIG : PciFunction.INFERRED,
              r.driver(),
              r.numaNode(),
              r.localCpulist(),
              r.iommu(),
              r.sriov(),
              r.p2pmem(),
              PciSysfsSource.linkOf(r, parent == null ? null : raws.get(parent)),
              acs,
              PciSysfsSource.configInfo(r)));
    }
    return out;
  }
}
