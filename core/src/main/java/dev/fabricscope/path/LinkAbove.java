package dev.fabricscope.path;

import dev.fabricscope.p2p.Fabric;
import dev.fabricscope.p2p.LinkMath;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PciLink;
import dev.fabricscope.topology.PciLink.LinkState;

/**
 * The {@link PcieLink} above one function, from its link files (§5.2): capability as the lower of
 * the two ends' maximum, the rate from the trained state (else the status, else the maximum) in raw
 * and usable GB/s after encoding and TLP overhead ({@link LinkMath}), and whether it trained below
 * its capability. {@link Paths} builds each once.
 */
final class LinkAbove {

  /** No link above: unknown functions, root ports and downstream ports (counted at the child). */
  static final PcieLink NONE =
      new PcieLink("", "", null, null, null, null, null, null, PcieLink.State.UNKNOWN);

  private LinkAbove() {}

  static PcieLink of(Fabric fabric, String bdf) {
    PciFunction f = fabric.function(bdf);
    if (f == null || f.link() == null || f.portType().facesDownstream()) {
      return NONE;
    }
    PciLink l = f.link();
    String upstream =
        f.parent() != null
            ? f.parent()
            : l.upstream() != null && l.upstream().bdf() != null
                ? l.upstream().bdf()
                : f.hostBridge();
    Integer capWidth = LinkMath.capableWidth(l);
    Double capSpeed = LinkMath.capableSpeed(l);
    LinkState cur = known(l.current()) ? l.current() : known(l.status()) ? l.status() : null;
    LinkState rated = cur != null ? cur : known(l.max()) ? l.max() : null;
    int mps =
        f.config() != null && f.config().mpsBytes() != null
            ? f.config().mpsBytes()
            : LinkMath.DEFAULT_MPS;
    Double raw = null;
    Double usable = null;
    if (rated != null) {
      double r = LinkMath.rawGBps(rated.speedGTs(), rated.width());
      raw = LinkMath.round2(r);
      usable = LinkMath.round2(LinkMath.usableGBps(r, rated.speedGTs(), mps));
    } else if (l.reportedGBps() != null && l.reportedGBps() > 0) {
      // hwloc reports GB/s after encoding without speed and width: assume a 128b/130b generation
      raw = LinkMath.round2(l.reportedGBps());
      usable = LinkMath.round2(LinkMath.usableGBps(l.reportedGBps(), 16.0, mps));
    }
    PcieLink.State state = PcieLink.State.UNKNOWN;
    LinkState current = known(l.current()) ? l.current() : null;
    if (current != null) {
      state =
          capWidth != null && current.width() < capWidth
              ? PcieLink.State.DOWNTRAINED
              : capSpeed != null && current.speedGTs() < capSpeed
                  ? PcieLink.State.BELOW_CAPABLE_SPEED
                  : PcieLink.State.OK;
    }
    return new PcieLink(
        bdf,
        upstream,
        capSpeed,
        capWidth,
        cur == null ? null : cur.speedGTs(),
        cur == null ? null : cur.width(),
        raw,
        usable,
        state);
  }

  private static boolean known(LinkState s) {
    return s != null && s.speedGTs() != null && s.width() != null && s.width() > 0;
  }
}
