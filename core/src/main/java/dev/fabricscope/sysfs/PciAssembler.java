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

  static List<PciFunction> assemble(Map<String, PciSysfsSource.Raw> raws, PciIds ids) {
    Map<String, PciTopology.Node> nodes = new HashMap<>();
    Map<String, PortType> known = new HashMap<>();
    for (PciSysfsSource.Raw r : raws.values()) {
      int cls = PciTopology.hex(r.classCode());
      boolean bridge = cls >= 0 && PciTopology.isBridgeClass(cls);
      String parent = raws.containsKey(r.placement().parent()) ? r.placement().parent() : null;
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
      // the parent as the path says, even when that bridge has no entry in bus/pci/devices
      String parent = r.placement().parent();
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
