package dev.fabricscope.plan;

import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PciFunctionDraft;
import dev.fabricscope.topology.PortType;
import dev.fabricscope.topology.TopologyCheck;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The IOMMU of a plan turned on or off ({@link PlanEdit.SetIommu}): the kernel's ACS redirect on
 * every root and downstream port, and the IOMMU groups formed again as Linux forms them ({@code
 * docs/p2p-rules.md} §2.4 and §2.9).
 */
final class IommuGroups {

  private IommuGroups() {}

  /**
   * Applies the edit to every function of {@code fabric}, in one pass over the tree: a viewer's
   * preview may carry 200 edits, so the cost is linear in the functions, not functions × depth².
   */
  static void regroup(PlanFabric fabric, boolean enabled) {
    for (PciFunctionDraft d : fabric.fns.values()) {
      if (d.portType == PortType.ROOT_PORT || d.portType == PortType.SWITCH_DOWNSTREAM) {
        d.acs = PlanLinks.kernelRedirect(d.acs, enabled);
      }
    }
    if (!enabled) {
      fabric.fns.values().forEach(d -> d.iommu = null);
      return;
    }
    Walk walk = new Walk(fabric);
    Map<String, Integer> groups = new HashMap<>();
    for (PciFunctionDraft d : fabric.fns.values()) {
      int g = groups.computeIfAbsent(walk.groupKey(d), k -> groups.size());
      d.iommu = new PciFunction.Iommu(g, "DMA-FQ");
    }
  }

  /**
   * The device whose IOMMU group a function joins, as Linux's {@code pci_device_group} forms them:
   * from the function's device upward, every bridge whose path to the root complex is not isolated
   * by ACS (source validation, request and completion redirect, upstream forwarding) takes the
   * group over; functions of one device share it. So a function's key is its own device when its
   * parent is isolated to the root (or it has none), else its parent's key; each function's answer
   * is remembered, and the tree is read from a hash map, so every function is visited once.
   */
  private static final class Walk {
    private final Map<String, PciFunctionDraft> byBdf;
    private final Set<String> multiFunction;
    private final Map<String, String> key = new HashMap<>();
    private final Map<String, Boolean> isolated = new HashMap<>();
    private final Map<String, Integer> depth = new HashMap<>();

    Walk(PlanFabric fabric) {
      this.byBdf = new HashMap<>(fabric.fns);
      this.multiFunction = fabric.multiFunctionDevices();
    }

    String groupKey(PciFunctionDraft d) {
      // the unvisited functions from d upward; a bounded walk, so a cycle cannot spin
      List<PciFunctionDraft> path = new ArrayList<>();
      Map<String, Boolean> onPath = new HashMap<>();
      for (PciFunctionDraft cur = d; cur != null && !key.containsKey(cur.bdf); ) {
        if (onPath.put(cur.bdf, Boolean.TRUE) != null) {
          throw new PlanEditException("the plan's PCI tree has a parent cycle through " + cur.bdf);
        }
        if (path.size() > TopologyCheck.MAX_DEPTH) {
          throw new PlanEditException(PlanFabric.tooDeep(d.bdf));
        }
        path.add(cur);
        cur = cur.parent == null ? null : parent(cur);
      }
      for (int i = path.size() - 1; i >= 0; i--) {
        PciFunctionDraft f = path.get(i);
        String p = f.parent;
        int dp = p == null ? 0 : depth.get(p);
        if (dp >= TopologyCheck.MAX_DEPTH) {
          throw new PlanEditException(PlanFabric.tooDeep(f.bdf));
        }
        boolean parentIsolated = p == null || isolated.get(p);
        depth.put(f.bdf, dp + 1);
        isolated.put(f.bdf, parentIsolated && PlanLinks.passesAcs(f, multiFunction));
        key.put(f.bdf, parentIsolated ? PlanFabric.deviceOf(f) : key.get(p));
      }
      return key.get(d.bdf);
    }

    private PciFunctionDraft parent(PciFunctionDraft f) {
      PciFunctionDraft p = byBdf.get(f.parent);
      if (p == null) {
        throw new PlanEditException("no PCI function " + f.parent + " in the plan");
      }
      return p;
    }
  }
}
