package dev.fabricscope.p2p;

import dev.fabricscope.path.Path;
import dev.fabricscope.path.Paths;
import dev.fabricscope.path.PcieLink;
import dev.fabricscope.topology.PciFunction;
import java.util.ArrayList;
import java.util.List;

/**
 * The ports and links a pair's traffic crosses: hops from a to b, the bottleneck link and downtrain
 * findings (p2p-rules.md §5, §5.2), read from the fabric's one path model ({@link Paths}). A link
 * is a function and its upstream port; its capable speed/width is the smaller of both ends'
 * maximum, its current state the function's.
 */
public final class PathLinks {

  private final Paths paths;

  public PathLinks(Fabric fabric) {
    this.paths = fabric.paths();
  }

  /** The path's ports and host bridges, from a to b. */
  public List<String> hops(String a, String b) {
    return paths.path(a, b).hops();
  }

  /** The functions on the path whose upstream link the traffic crosses (links known). */
  List<String> linkedFunctions(String a, String b) {
    List<String> out = new ArrayList<>();
    for (PcieLink l : paths.path(a, b).links()) {
      out.add(l.downstream());
    }
    return out;
  }

  /** The slowest link on the path, or null when no link speed is known. */
  public Bottleneck bottleneck(String a, String b) {
    return slowest(paths.path(a, b).links());
  }

  /**
   * The slowest link between a function and the host (its root complex): every upstream link on its
   * chain, the function's own included (a GPU on a root bus has only its own link), or null when no
   * link speed is known.
   */
  public Bottleneck bottleneckToHost(String bdf) {
    return slowest(paths.toHost(bdf));
  }

  private static Bottleneck slowest(List<PcieLink> links) {
    Bottleneck best = null;
    for (PcieLink l : links) {
      Bottleneck bn = l.bottleneck();
      if (bn != null && (best == null || bn.rawGBps() < best.rawGBps())) {
        best = bn;
      }
    }
    return best;
  }

  /** The rate of a function's upstream link, null when unknown. */
  Bottleneck linkRateOf(PciFunction f) {
    PcieLink l = paths.link(f.bdf());
    return l == null ? null : l.bottleneck();
  }

  /** Downtrained links (width below capable) and links below capable speed, §5.2. */
  public List<Reason> linkFindings(String a, String b) {
    List<Reason> out = new ArrayList<>();
    Path p = paths.path(a, b);
    for (PcieLink l : p.links()) {
      if (l.state() == PcieLink.State.DOWNTRAINED) {
        out.add(
            new Reason(
                Reason.LINK_DOWNTRAINED,
                "link at "
                    + l.downstream()
                    + " trained x"
                    + l.currentWidth()
                    + " of x"
                    + l.capableWidth()
                    + " capable: bandwidth is cut to "
                    + l.currentWidth()
                    + "/"
                    + l.capableWidth(),
                "reseat the card or check the slot's bifurcation and riser; a retrain needs a"
                    + " reset"));
      } else if (l.state() == PcieLink.State.BELOW_CAPABLE_SPEED) {
        out.add(
            new Reason(
                Reason.LINK_SPEED_BELOW_CAPABLE,
                "link at "
                    + l.downstream()
                    + " runs "
                    + fmt(l.currentGTs())
                    + " GT/s of "
                    + fmt(l.capableGTs())
                    + " GT/s capable: often power-saving at idle; check again under load",
                null));
      }
    }
    return out;
  }

  private static String fmt(double gts) {
    return gts == Math.rint(gts) ? String.valueOf((int) gts) : String.valueOf(gts);
  }
}
