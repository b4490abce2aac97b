package dev.fabricscope.p2p;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * nvidia-smi's {@code topo -m} labels, p2p-rules.md §4.1 (NVML topology levels): X self, NV# bonded
 * NVLinks, PIX at most one PCIe bridge (one switch, or one root port), PXB several bridges without
 * the host bridge, PHB through one host bridge, NODE between host bridges of one NUMA node, SYS
 * across the SMP interconnect. ACS-blind by design: the labels follow the tree only.
 */
public final class NvidiaSmiRules {

  private final Fabric fabric;

  public NvidiaSmiRules(Fabric fabric) {
    this.fabric = fabric;
  }

  /** What {@code nvidia-smi topo -m} prints: NVLink first, else the PCIe label. */
  public String label(String a, String b) {
    if (fabric.effective(a).equals(fabric.effective(b)) && a.equals(b)) {
      return "X";
    }
    int nv = fabric.nvlinkCount(a, b);
    return nv > 0 ? "NV" + nv : pcieLabel(a, b);
  }

  /** What {@code nvidia-smi topo -mp} prints: the PCIe path only. */
  public String pcieLabel(String a, String b) {
    if (a.equals(b)) {
      return "X";
    }
    List<String> ca = fabric.chain(a);
    List<String> cb = fabric.chain(b);
    for (int i = 0; i < ca.size(); i++) {
      int j = cb.indexOf(ca.get(i));
      if (j >= 0) {
        // the bridges between the two: everything above the endpoints up to the common one
        List<String> between = new ArrayList<>(ca.subList(Math.min(1, i), i + 1));
        between.addAll(cb.subList(Math.min(1, j), j));
        return fabric.switchesOn(between).size() <= 1 ? "PIX" : "PXB";
      }
    }
    String hbA = fabric.hostBridge(a);
    String hbB = fabric.hostBridge(b);
    if (hbA != null && hbA.equals(hbB)) {
      return "PHB";
    }
    Integer na = fabric.numaNode(a);
    Integer nb = fabric.numaNode(b);
    if (hbA == null || hbB == null) {
      // the source has no host bridges (NCCL files): NUMA alone separates PHB from SYS
      return Objects.equals(na, nb) ? "PHB" : "SYS";
    }
    return Objects.equals(na, nb) ? "NODE" : "SYS";
  }
}
