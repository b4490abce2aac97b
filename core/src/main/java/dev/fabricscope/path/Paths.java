package dev.fabricscope.path;

import dev.fabricscope.p2p.Fabric;
import dev.fabricscope.p2p.LinkMath;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PciLink;
import dev.fabricscope.topology.PciLink.LinkState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one path model of a report: every function's upstream {@link PcieLink} and every pair's
 * {@link Path}, each built once and cached (per function, per chain, per ordered pair). The p2p
 * rules, the bandwidth expectations and the planner read it; {@link Fabric#paths()} hands out the
 * instance of a fabric. A pair costs O(depth²) the first time and a map lookup after. Not
 * thread-safe, like {@link Fabric}.
 */
public final class Paths {

  private static final PcieLink NONE =
      new PcieLink("", "", null, null, null, null, null, null, PcieLink.State.UNKNOWN);

  private final Fabric fabric;
  private final Map<String, PcieLink> links = new HashMap<>();
  private final Map<String, List<PcieLink>> toHost = new HashMap<>();
  private final Map<String, Path> pairs = new HashMap<>();

  public Paths(Fabric fabric) {
    this.fabric = fabric;
  }

  /**
   * The link above a function, or null when it has none: unknown functions, and root ports and
   * downstream ports, whose link files describe the link below them (counted at the child, §5.2).
   */
  public PcieLink link(String bdf) {
    PcieLink l = links.computeIfAbsent(bdf, this::build);
    return l == NONE ? null : l;
  }

  /**
   * The links between a function and the root complex, from the function upward: every link on its
   * chain, the topmost function's own included (a GPU on a root bus has only its own link).
   */
  public List<PcieLink> toHost(String bdf) {
    return toHost.computeIfAbsent(
        fabric.effective(bdf),
        start -> {
          List<PcieLink> out = new ArrayList<>();
          for (String b : fabric.chain(start)) {
            PcieLink l = link(b);
            if (l != null) {
              out.add(l);
            }
          }
          return List.copyOf(out);
        });
  }

  /** The path from a to b (hops in that order). */
  public Path path(String a, String b) {
    return pairs.computeIfAbsent(a + '|' + b, k -> buildPath(a, b));
  }

  private Path buildPath(String a, String b) {
    List<String> ca = fabric.chain(a);
    List<String> cb = fabric.chain(b);
    for (int i = 0; i < ca.size(); i++) {
      int j = cb.indexOf(ca.get(i));
      if (j >= 0) {
        return below(a, b, ca, cb, i, j);
      }
    }
    List<String> hops = new ArrayList<>(ca);
    String hbA = fabric.hostBridge(a);
    String hbB = fabric.hostBridge(b);
    hops.add(hbA == null ? "host" : hbA);
    if (hbB != null && !hbB.equals(hbA)) {
      hops.add(hbB);
    }
    for (int k = cb.size() - 1; k >= 0; k--) {
      hops.add(cb.get(k));
    }
    // through the host: every function below its root port has a link upward
    List<PcieLink> tree = new ArrayList<>();
    addLinks(tree, ca.subList(0, Math.max(0, ca.size() - 1)));
    addLinks(tree, cb.subList(0, Math.max(0, cb.size() - 1)));
    List<Path.Climb> climbs = new ArrayList<>(List.of(Path.Climb.NO_COMMON_BRIDGE));
    if (hbA != null && hbB != null && !hbA.equals(hbB)) {
      climbs.add(Path.Climb.DIFFERENT_HOST_BRIDGES);
    }
    addSocket(climbs, a, b);
    return new Path(a, b, null, ca.size() + cb.size(), hops, tree, throughHost(a, b), true, climbs);
  }

  private Path below(String a, String b, List<String> ca, List<String> cb, int i, int j) {
    List<String> hops = new ArrayList<>(ca.subList(0, i + 1));
    for (int k = j - 1; k >= 0; k--) {
      hops.add(cb.get(k));
    }
    List<PcieLink> up = new ArrayList<>();
    addLinks(up, ca.subList(0, i));
    List<PcieLink> down = new ArrayList<>();
    addLinks(down, cb.subList(0, j));
    List<PcieLink> tree = new ArrayList<>(up);
    tree.addAll(down);
    // §2.3: the kernel checks a, its bridges, the common bridge, and b with its bridges
    boolean redirect = false;
    List<String> suspects = new ArrayList<>(ca.subList(0, i + 1));
    suspects.addAll(cb.subList(0, j));
    for (String s : suspects) {
      PciFunction f = fabric.function(s);
      redirect |= f != null && f.acs() != null && Boolean.TRUE.equals(f.acs().redirects());
    }
    if (redirect && i + j > 0) {
      List<Path.Climb> climbs = new ArrayList<>(List.of(Path.Climb.ACS_REDIRECT));
      addSocket(climbs, a, b);
      return new Path(a, b, ca.get(i), i + j, hops, tree, throughHost(a, b), true, climbs);
    }
    List<Path.Crossing> route = new ArrayList<>();
    for (PcieLink l : up) {
      route.add(new Path.Crossing(l, Path.Direction.UP));
    }
    for (int k = down.size() - 1; k >= 0; k--) {
      route.add(new Path.Crossing(down.get(k), Path.Direction.DOWN));
    }
    return new Path(a, b, ca.get(i), i + j, hops, tree, route, false, List.of());
  }

  private void addSocket(List<Path.Climb> climbs, String a, String b) {
    Integer na = fabric.numaNode(a);
    Integer nb = fabric.numaNode(b);
    if (na != null && nb != null && !Objects.equals(na, nb)) {
      climbs.add(Path.Climb.DIFFERENT_SOCKETS);
    }
  }

  /** Up a's whole chain to the root complex, then down b's. */
  private List<Path.Crossing> throughHost(String a, String b) {
    List<Path.Crossing> route = new ArrayList<>();
    for (PcieLink l : toHost(a)) {
      route.add(new Path.Crossing(l, Path.Direction.UP));
    }
    List<PcieLink> down = toHost(b);
    for (int k = down.size() - 1; k >= 0; k--) {
      route.add(new Path.Crossing(down.get(k), Path.Direction.DOWN));
    }
    return route;
  }

  private void addLinks(List<PcieLink> out, List<String> functions) {
    for (String bdf : functions) {
      PcieLink l = link(bdf);
      if (l != null) {
        out.add(l);
      }
    }
  }

  private PcieLink build(String bdf) {
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
    Integer capWidth =
        min(widthOf(l.max()), l.upstream() == null ? null : widthOf(l.upstream().max()));
    Double capSpeed =
        min(speedOf(l.max()), l.upstream() == null ? null : speedOf(l.upstream().max()));
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
