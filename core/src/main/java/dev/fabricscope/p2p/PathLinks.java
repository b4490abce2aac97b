package dev.fabricscope.p2p;

import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PciLink;
import dev.fabricscope.topology.PciLink.LinkState;
import java.util.ArrayList;
import java.util.List;

/**
 * The ports and links a pair's traffic crosses: hops from a to b, the bottleneck link and downtrain
 * findings (p2p-rules.md §5, §5.2). A link is a function and its upstream port; its capable
 * speed/width is the smaller of both ends' maximum, its current state the function's.
 */
public final class PathLinks {

  private final Fabric fabric;

  public PathLinks(Fabric fabric) {
    this.fabric = fabric;
  }

  /** The path's ports and host bridges, from a to b. */
  public List<String> hops(String a, String b) {
    List<String> ca = fabric.chain(a);
    List<String> cb = fabric.chain(b);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < ca.size(); i++) {
      int j = cb.indexOf(ca.get(i));
      if (j >= 0) {
        out.addAll(ca.subList(0, i + 1));
        for (int k = j - 1; k >= 0; k--) {
          out.add(cb.get(k));
        }
        return out;
      }
    }
    out.addAll(ca);
    String hbA = fabric.hostBridge(a);
    String hbB = fabric.hostBridge(b);
    out.add(hbA == null ? "host" : hbA);
    if (hbB != null && !hbB.equals(hbA)) {
      out.add(hbB);
    }
    for (int k = cb.size() - 1; k >= 0; k--) {
      out.add(cb.get(k));
    }
    return out;
  }

  /** The functions on the path whose upstream link the traffic crosses. */
  List<String> linkedFunctions(String a, String b) {
    List<String> ca = fabric.chain(a);
    List<String> cb = fabric.chain(b);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < ca.size(); i++) {
      int j = cb.indexOf(ca.get(i));
      if (j >= 0) {
        out.addAll(ca.subList(0, i));
        out.addAll(cb.subList(0, j));
        return out;
      }
    }
    // through the host: every function below its root port has a link upward
    out.addAll(ca.subList(0, Math.max(0, ca.size() - 1)));
    out.addAll(cb.subList(0, Math.max(0, cb.size() - 1)));
    return out;
  }

  /** The slowest link on the path, or null when no link speed is known. */
  public Bottleneck bottleneck(String a, String b) {
    Bottleneck best = null;
    for (String bdf : linkedFunctions(a, b)) {
      PciFunction f = fabric.function(bdf);
      if (f == null || f.link() == null) {
        continue;
      }
      Bottleneck bn = linkRateOf(f);
      if (bn != null && (best == null || bn.rawGBps() < best.rawGBps())) {
        best = bn;
      }
    }
    return best;
  }

  /**
   * The slowest link between a function and the host (its root complex): every upstream link on its
   * chain, the function's own included (a GPU on a root bus has only its own link), or null when no
   * link speed is known.
   */
  public Bottleneck bottleneckToHost(String bdf) {
    Bottleneck best = null;
    for (String b : fabric.chain(bdf)) {
      PciFunction f = fabric.function(b);
      if (f == null || f.link() == null) {
        continue;
      }
      Bottleneck bn = linkRateOf(f);
      if (bn != null && (best == null || bn.rawGBps() < best.rawGBps())) {
        best = bn;
      }
    }
    return best;
  }

  /** The rate of a function's upstream link, null when unknown. */
  Bottleneck linkRateOf(PciFunction f) {
    if (f.portType().facesDownstream()) {
      return null; // its link files describe the link below it, counted at the child
    }
    PciLink l = f.link();
    int mps =
        f.config() != null && f.config().mpsBytes() != null
            ? f.config().mpsBytes()
            : LinkMath.DEFAULT_MPS;
    LinkState s = known(l.current()) ? l.current() : known(l.status()) ? l.status() : null;
    if (s == null && known(l.max())) {
      s = l.max();
    }
    if (s != null) {
      double raw = LinkMath.rawGBps(s.speedGTs(), s.width());
      return new Bottleneck(
          f.bdf(),
          LinkMath.round2(raw),
          LinkMath.round2(LinkMath.usableGBps(raw, s.speedGTs(), mps)));
    }
    if (l.reportedGBps() != null && l.reportedGBps() > 0) {
      // hwloc reports GB/s after encoding without speed and width: assume a 128b/130b generation
      double raw = l.reportedGBps();
      return new Bottleneck(
          f.bdf(), LinkMath.round2(raw), LinkMath.round2(LinkMath.usableGBps(raw, 16.0, mps)));
    }
    return null;
  }

  private static boolean known(LinkState s) {
    return s != null && s.speedGTs() != null && s.width() != null && s.width() > 0;
  }

  /** Downtrained links (width below capable) and links below capable speed, §5.2. */
  public List<Reason> linkFindings(String a, String b) {
    List<Reason> out = new ArrayList<>();
    for (String bdf : linkedFunctions(a, b)) {
      PciFunction f = fabric.function(bdf);
      if (f == null
          || f.link() == null
          || !known(f.link().current())
          || f.portType().facesDownstream()) {
        continue;
      }
      PciLink l = f.link();
      Integer capWidth =
          min(widthOf(l.max()), l.upstream() == null ? null : widthOf(l.upstream().max()));
      Double capSpeed =
          min(speedOf(l.max()), l.upstream() == null ? null : speedOf(l.upstream().max()));
      LinkState cur = l.current();
      if (capWidth != null && cur.width() < capWidth) {
        out.add(
            new Reason(
                Reason.LINK_DOWNTRAINED,
                "link at "
                    + bdf
                    + " trained x"
                    + cur.width()
                    + " of x"
                    + capWidth
                    + " capable: bandwidth is cut to "
                    + cur.width()
                    + "/"
                    + capWidth,
                "reseat the card or check the slot's bifurcation and riser; a retrain needs a"
                    + " reset"));
      } else if (capSpeed != null && cur.speedGTs() < capSpeed) {
        out.add(
            new Reason(
                Reason.LINK_SPEED_BELOW_CAPABLE,
                "link at "
                    + bdf
                    + " runs "
                    + fmt(cur.speedGTs())
                    + " GT/s of "
                    + fmt(capSpeed)
                    + " GT/s capable: often power-saving at idle; check again under load",
                null));
      }
    }
    return out;
  }

  private static String fmt(double gts) {
    return gts == Math.rint(gts) ? String.valueOf((int) gts) : String.valueOf(gts);
  }

  private static Integer widthOf(LinkState s) {
    return s == null || s.width() == null || s.width() <= 0 ? null : s.width();
  }

  private static Double speedOf(LinkState s) {
    return s == null ? null : s.speedGTs();
  }

  private static <T extends Comparable<T>> T min(T a, T b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return a.compareTo(b) <= 0 ? a : b;
  }
}
