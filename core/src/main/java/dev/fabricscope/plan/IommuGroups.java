package dev.fabricscope.plan;

import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PciFunctionDraft;
import dev.fabricscope.topology.PortType;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The IOMMU of a plan turned on or off ({@link PlanEdit.SetIommu}): the kernel's ACS redirect on
 * every root and downstream port, and the IOMMU groups formed again as Linux forms them ({@code
 * docs/p2p-rules.md} §2.4 and §2.9).
 */
final class IommuGroups {

  private IommuGroups() {}

  /** Applies the edit to every function of {@code fabric}. */
  static void regroup(PlanFabric fabric, boolean enabled) {
    for (PciFunctionDraft d : fabric.fns.values()) {
      if (d.portType == PortType.ROOT_PORT || d.portType == PortType.SWITCH_DOWNSTREAM) {
        d.acs = PlanLinks.kernelRedirect(d.acs, enabled);
      }
    }
    Map<String, Integer> groups = new TreeMap<>();
    Set<String> multiFunction = fabric.multiFunctionDevices();
    for (PciFunctionDraft d : fabric.fns.values()) {
      if (enabled) {
        int g = groups.computeIfAbsent(groupKey(fabric, d, multiFunction), k -> groups.size());
        d.iommu = new PciFunction.Iommu(g, "DMA-FQ");
      } else {
        d.iommu = null;
      }
    }
  }

  /**
   * The device whose IOMMU group a function joins, as Linux's {@code pci_device_group} forms them:
   * from the function's device upward, every bridge whose path to the root complex is not isolated
   * by ACS (source validation, request and completion redirect, upstream forwarding) takes the
   * group over; functions of one device share it.
   */
  private static String groupKey(PlanFabric fabric, PciFunctionDraft d, Set<String> multiFunction) {
    String key = fabric.device(d.bdf);
    for (String up = d.parent; up != null; up = fabric.get(up).parent) {
      if (PlanLinks.isolatedToRoot(fabric, up, multiFunction)) {
        break;
      }
      key = fabric.device(up);
    }
    return key;
  }
}
