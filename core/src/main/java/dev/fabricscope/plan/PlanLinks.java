package dev.fabricscope.plan;

import dev.fabricscope.p2p.LinkMath;
import dev.fabricscope.topology.Acs;
import dev.fabricscope.topology.PciFunctionDraft;
import dev.fabricscope.topology.PciLink;
import dev.fabricscope.topology.PciLink.LinkState;
import dev.fabricscope.topology.PortType;
import java.util.Set;

/** Link and ACS values of edited functions (p2p-rules.md §2.4, §5). */
final class PlanLinks {

  /** Per-lane rates a plan may set, GT/s: PCIe 1.0 to 6.0. */
  static final Set<Double> SPEEDS = Set.of(2.5, 5.0, 8.0, 16.0, 32.0, 64.0);

  /** Link widths a plan may set. */
  static final Set<Integer> WIDTHS = Set.of(1, 2, 4, 8, 16, 32);

  /** ACS Control bits Linux enables on a capable port (pci_std_enable_acs: SV, RR, CR, UF). */
  private static final int LINUX_ACS_CONTROL = 0x01 | 0x04 | 0x08 | 0x10;

  private PlanLinks() {}

  static LinkState state(double speedGTs, int width) {
    if (!SPEEDS.contains(speedGTs)) {
      throw new PlanEditException(
          "speed " + speedGTs + " GT/s is not a PCIe rate (2.5, 5, 8, 16, 32 or 64)");
    }
    if (!WIDTHS.contains(width)) {
      throw new PlanEditException("width x" + width + " is not a PCIe link width (1 to 32)");
    }
    return new LinkState(speedGTs, width);
  }

  /** The lower of two states field by field; either may be null or partly unknown. */
  static LinkState min(LinkState a, LinkState b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return new LinkState(
        LinkMath.lower(a.speedGTs(), b.speedGTs()), LinkMath.lower(a.width(), b.width()));
  }

  /**
   * A function's link after it moved below {@code port}: it trains at the lower of its own maximum
   * and the port's; the upstream end is the port's.
   */
  static PciLink below(PciFunctionDraft port, PciLink own) {
    LinkState portMax = port.link == null ? null : port.link.max();
    LinkState ownMax = own == null ? null : own.max();
    LinkState current = min(ownMax, portMax);
    Double reported = own == null ? null : own.reportedGBps();
    if (reported != null && port.link != null && port.link.reportedGBps() != null) {
      reported = Math.min(reported, port.link.reportedGBps());
    }
    return new PciLink(
        current, ownMax, null, null, new PciLink.Upstream(port.bdf, current, portMax), reported);
  }

  /** A function on a root bus has no upstream end. */
  static PciLink onRootBus(PciLink own) {
    if (own == null) {
      return null;
    }
    return new PciLink(own.max(), own.max(), null, null, null, own.reportedGBps());
  }

  /**
   * ACS with P2P redirection on or off as Linux sets it: only the bits the port is capable of. A
   * port without the capability has none to set.
   */
  static Acs kernelRedirect(Acs acs, boolean redirect) {
    if (acs == null || !Acs.PRESENT.equals(acs.state()) || acs.capability() == null) {
      return acs;
    }
    return withRedirect(acs, redirect, false);
  }

  /**
   * ACS with P2P redirection on or off at a port an operator changes; with {@code force} the port
   * gains the capability bits it needs (a port without ACS gets all seven).
   */
  static Acs withRedirect(Acs acs, boolean redirect, boolean force) {
    Acs.Bits cap = acs != null && acs.capability() != null ? acs.capability() : Acs.Bits.of(0x7f);
    int capBits = force ? bits(cap) | LINUX_ACS_CONTROL : bits(cap);
    cap = Acs.Bits.of(capBits);
    Acs.Bits control = Acs.Bits.of(redirect ? LINUX_ACS_CONTROL & capBits : 0);
    return new Acs(Acs.PRESENT, cap, control, acs == null ? null : acs.egressVectorSize());
  }

  private static int bits(Acs.Bits b) {
    return (b.srcValid() ? 0x01 : 0)
        | (b.transBlk() ? 0x02 : 0)
        | (b.reqRedir() ? 0x04 : 0)
        | (b.cmpltRedir() ? 0x08 : 0)
        | (b.upstreamFwd() ? 0x10 : 0)
        | (b.egressCtrl() ? 0x20 : 0)
        | (b.directTrans() ? 0x40 : 0);
  }

  /**
   * Whether {@code d} passes {@code pci_acs_enabled} with the IOMMU's required flags (SV, RR, CR,
   * UF): root ports and switch downstream ports need them in ACS Control; other functions only when
   * their device is in {@code multiFunction} (devices with several functions, by {@link
   * PlanFabric#device}). A function is isolated to the root when it and everything above it pass.
   */
  static boolean passesAcs(PciFunctionDraft d, Set<String> multiFunction) {
    boolean needsAcs =
        d.portType == PortType.ROOT_PORT
            || d.portType == PortType.SWITCH_DOWNSTREAM
            || multiFunction.contains(PlanFabric.deviceOf(d));
    return !needsAcs
        || (d.acs != null
            && d.acs.control() != null
            && (bits(d.acs.control()) & LINUX_ACS_CONTROL) == LINUX_ACS_CONTROL);
  }
}
