package dev.fabricscope.planner;

import dev.fabricscope.p2p.Fabric;
import dev.fabricscope.p2p.NvidiaSmiRules;
import dev.fabricscope.p2p.SmiLabel;
import dev.fabricscope.path.Meeting;
import dev.fabricscope.path.Paths;

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
  static PathClass of(Fabric fabric, String a, String b) {
    if (a.equals(b)) {
      return PIX;
    }
    // the pair's meeting is all the class needs: building the whole Path (hops, links, route)
    // for every GPU x NIC pair was most of a host offer's cost (3 ms for 40 GPUs x 40 NICs)
    Paths paths = fabric.paths();
    Meeting m = paths.meet(paths.upstream(a), paths.upstream(b));
    if (m.hasCommonBridge() && m.acsRedirect() && m.distance() > 0) {
      return PHB; // ACS redirect: up to the root port of the common bridge and back (§2.3)
    }
    SmiLabel label = NvidiaSmiRules.pcieLabel(m);
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
