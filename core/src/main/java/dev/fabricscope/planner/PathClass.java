package dev.fabricscope.planner;

import dev.fabricscope.p2p.Fabric;
import dev.fabricscope.p2p.NvidiaSmiRules;
import dev.fabricscope.p2p.SmiLabel;
import dev.fabricscope.path.Path;

/**
 * How close two devices are, best first, in nvidia-smi's and NCCL's words (p2p-rules.md §4.1,
 * planner-facts.md §1.3): PIX one switch, PXB several switches, PHB through one host bridge, NODE
 * between host bridges of one NUMA node, SYS across sockets. The pairing's class respects the
 * kernel: a pair below one switch whose traffic ACS redirects to the root port is PHB, since that
 * is where its TLPs go.
 */
public enum PathClass {
  PIX,
  PXB,
  PHB,
  NODE,
  SYS;

  /** The class of a pair as the kernel routes it. */
  static PathClass of(Fabric fabric, NvidiaSmiRules smi, String a, String b) {
    Path p = fabric.paths().path(a, b);
    if (p.common() != null && p.viaRootComplex()) {
      return PHB; // ACS redirect: up to the root port of the common bridge and back
    }
    SmiLabel label = smi.pcieLabel(a, b);
    return switch (label.level()) {
      case X, PIX -> PIX;
      case PXB -> PXB;
      case PHB -> PHB;
      case NODE -> NODE;
      case SYS -> SYS;
      case NV -> throw new IllegalStateException("a PCIe label is never NV#");
    };
  }
}
