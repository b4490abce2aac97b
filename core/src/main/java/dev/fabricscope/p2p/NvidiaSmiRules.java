package dev.fabricscope.p2p;

import dev.fabricscope.path.Meeting;
import dev.fabricscope.path.Path;
import java.util.List;

/**
 * nvidia-smi's {@code topo -m} labels, p2p-rules.md §4.1 (NVML topology levels): X self, NV# bonded
 * NVLinks, PIX at most one PCIe bridge (one switch, or one root port), PXB several bridges without
 * the host bridge, PHB through one host bridge, NODE between host bridges of one NUMA node, SYS
 * across the SMP interconnect. ACS-blind by design: the labels follow the tree only, read from the
 * pair's {@link Path} ({@link Meeting}: the common bridge, the switches between, root buses and
 * NUMA nodes). A label that rests on an unknown NUMA node (NODE or SYS, PHB or SYS) is provisional.
 */
public final class NvidiaSmiRules implements PairRule<SmiLabel> {

  private final Fabric fabric;
  private final PairRule<SmiLabel> pcie = this::pcieRule;

  public NvidiaSmiRules(Fabric fabric) {
    this.fabric = fabric;
  }

  /** What {@code nvidia-smi topo -m} prints: NVLink first, else the PCIe label. */
  @Override
  public Ruling<SmiLabel> rule(DevicePair pair) {
    String a = pair.a().bdf();
    String b = pair.b().bdf();
    int nv = a.equals(b) ? 0 : fabric.nvlinkCount(a, b);
    if (nv == 0) {
      return pcieRule(pair);
    }
    return new Ruling<>(
        SmiLabel.nvlinks(nv),
        false,
        List.of(
            new Reason(
                Reason.NVLINK,
                "joined by " + nv + " NVLinks: GPU traffic takes NVLink, not PCIe",
                null)));
  }

  /** What {@code nvidia-smi topo -mp} prints (the PCIe path only), as a rule set of its own. */
  public PairRule<SmiLabel> pcie() {
    return pcie;
  }

  private Ruling<SmiLabel> pcieRule(DevicePair pair) {
    if (pair.a().bdf().equals(pair.b().bdf())) {
      return new Ruling<>(SmiLabel.X, false, List.of());
    }
    Meeting m = pair.path().meeting();
    return new Ruling<>(pcieLabel(m), provisional(m), List.of());
  }

  /** What {@code nvidia-smi topo -m} prints for two functions. */
  public SmiLabel label(String a, String b) {
    if (a.equals(b)) {
      return SmiLabel.X;
    }
    int nv = fabric.nvlinkCount(a, b);
    return nv > 0 ? SmiLabel.nvlinks(nv) : pcieLabel(a, b);
  }

  /** What {@code nvidia-smi topo -mp} prints for two functions: the PCIe path only. */
  public SmiLabel pcieLabel(String a, String b) {
    return a.equals(b) ? SmiLabel.X : pcieLabel(fabric.paths().path(a, b).meeting());
  }

  /**
   * The PCIe label of two different functions from where their chains meet: below a common bridge
   * PIX when the bridges between belong to at most one switch, else PXB; otherwise the root buses
   * and NUMA nodes decide.
   */
  public static SmiLabel pcieLabel(Meeting m) {
    if (m.hasCommonBridge()) {
      return m.switches() <= 1 ? SmiLabel.PIX : SmiLabel.PXB;
    }
    if (m.sameHostBridge()) {
      return SmiLabel.PHB;
    }
    if (!m.hostBridgesKnown()) {
      // the source has no host bridges (NCCL files): NUMA alone separates PHB from SYS
      return m.sameNuma() ? SmiLabel.PHB : SmiLabel.SYS;
    }
    return m.sameNuma() ? SmiLabel.NODE : SmiLabel.SYS;
  }

  /** Whether {@link #pcieLabel(Meeting)} rested on a NUMA node the report does not know. */
  static boolean provisional(Meeting m) {
    return !m.hasCommonBridge() && !m.sameHostBridge() && !m.numaKnown();
  }
}
