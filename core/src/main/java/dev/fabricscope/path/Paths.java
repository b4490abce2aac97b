package dev.fabricscope.path;

import dev.fabricscope.p2p.Fabric;
import dev.fabricscope.topology.PciFunction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one path model of a report: every function's upstream {@link PcieLink} and every pair's
 * {@link Path}, each built once and cached (per function, per chain; the pairs' paths the {@link
 * #MAX_CACHED_PAIRS} most recently used). The p2p rules, the bandwidth expectations and the planner
 * read it; {@link Fabric#paths()} hands out the instance of a fabric. A pair costs O(depth²) the
 * first time and a map lookup while it stays cached. Not thread-safe, like {@link Fabric}.
 */
public final class Paths {

  /**
   * Pair paths kept at most, least recently used first out. The rules of one pair verdict ask for
   * its path several times in a row, and a host's matrix asks for each pair once: caching every
   * pair held N² paths for an N-device matrix (4 million for the 2,000 devices {@code topo} and
   * {@code /p2p} accept, gigabytes). 8,192 keeps every pair of a host of 90 devices (a DGX-2 has
   * about 40), so a real host's paths are each built once as before.
   */
  public static final int MAX_CACHED_PAIRS = 8192;

  private final Fabric fabric;
  private final Map<String, PcieLink> links = new HashMap<>();
  private final Map<String, List<PcieLink>> toHost = new HashMap<>();
  private final Map<String, Path> pairs =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Path> eldest) {
          return size() > MAX_CACHED_PAIRS;
        }
      };
  private final Map<String, Upstream> upstreams = new HashMap<>();
  private final Map<String, Integer> nodeIds = new HashMap<>();
  private final Map<String, Integer> hostBridgeIds = new HashMap<>();
  private final MeetingTable meetings = new MeetingTable();

  public Paths(Fabric fabric) {
    this.fabric = fabric;
  }

  /**
   * The link above a function, or null when it has none: unknown functions, and root ports and
   * downstream ports, whose link files describe the link below them (counted at the child, §5.2).
   */
  public PcieLink link(String bdf) {
    PcieLink l = links.computeIfAbsent(bdf, b -> LinkAbove.of(fabric, b));
    return l == LinkAbove.NONE ? null : l;
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

  /** Pair paths cached now; for tests. */
  int cachedPairs() {
    return pairs.size();
  }

  private Path buildPath(String a, String b) {
    Meeting m = meet(upstream(a), upstream(b));
    List<String> ca = fabric.chain(a);
    List<String> cb = fabric.chain(b);
    if (m.hasCommonBridge()) {
      return below(a, b, ca, cb, m);
    }
    List<String> hops = new ArrayList<>(ca);
    String hbA = upstream(a).hostBridge();
    String hbB = upstream(b).hostBridge();
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
    if (m.hostBridgesKnown() && !m.sameHostBridge()) {
      climbs.add(Path.Climb.DIFFERENT_HOST_BRIDGES);
    }
    addSocket(climbs, m);
    return new Path(a, b, null, m.distance(), hops, tree, throughHost(a, b), true, climbs, m);
  }

  private Path below(String a, String b, List<String> ca, List<String> cb, Meeting m) {
    int i = m.upA();
    int j = m.upB();
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
    if (m.acsRedirect() && m.distance() > 0) {
      List<Path.Climb> climbs = new ArrayList<>(List.of(Path.Climb.ACS_REDIRECT));
      addSocket(climbs, m);
      return new Path(
          a, b, ca.get(i), m.distance(), hops, tree, throughHost(a, b), true, climbs, m);
    }
    List<Path.Crossing> route = new ArrayList<>();
    for (PcieLink l : up) {
      route.add(new Path.Crossing(l, Path.Direction.UP));
    }
    for (int k = down.size() - 1; k >= 0; k--) {
      route.add(new Path.Crossing(down.get(k), Path.Direction.DOWN));
    }
    return new Path(a, b, ca.get(i), m.distance(), hops, tree, route, false, List.of(), m);
  }

  private static void addSocket(List<Path.Climb> climbs, Meeting m) {
    if (m.numaKnown() && !m.sameNuma()) {
      climbs.add(Path.Climb.DIFFERENT_SOCKETS);
    }
  }

  /**
   * A function's upstream chain indexed for pair questions (as its PF for a VF), built once: see
   * {@link Upstream}.
   */
  public Upstream upstream(String bdf) {
    return upstreams.computeIfAbsent(fabric.effective(bdf), this::buildUpstream);
  }

  private Upstream buildUpstream(String start) {
    List<String> c = fabric.chain(start);
    int n = c.size();
    String[] bdf = c.toArray(new String[0]);
    int[] ids = new int[n];
    boolean[] redirect = new boolean[n];
    boolean[] unknown = new boolean[n];
    int[] switchIds = new int[n];
    PcieLink[] slowest = new PcieLink[n];
    for (int k = 0; k < n; k++) {
      ids[k] = id(bdf[k]);
      PciFunction f = fabric.function(bdf[k]);
      Boolean r = f == null || f.acs() == null ? null : f.acs().redirects();
      redirect[k] = (k > 0 && redirect[k - 1]) || Boolean.TRUE.equals(r);
      unknown[k] = (k > 0 && unknown[k - 1]) || r == null;
      String sw = fabric.switchOf(bdf[k]);
      switchIds[k] = sw == null ? -1 : id(sw);
      PcieLink own = link(bdf[k]);
      if (own != null && own.rawGBps() == null) {
        own = null;
      }
      PcieLink prev = k > 0 ? slowest[k - 1] : null;
      slowest[k] = own == null || (prev != null && prev.rawGBps() <= own.rawGBps()) ? prev : own;
    }
    String hb = fabric.hostBridge(start);
    int hbId = hostBridgeIds.computeIfAbsent(String.valueOf(hb), x -> hostBridgeIds.size());
    return new Upstream(
        bdf, ids, redirect, unknown, switchIds, slowest, hb, hbId, fabric.numaNode(start));
  }

  private int id(String bdf) {
    return nodeIds.computeIfAbsent(bdf, x -> nodeIds.size());
  }

  /**
   * Where two chains meet, §2.3: the first bridge of a's chain that is on b's. Both must come from
   * this instance's {@link #upstream}. O(depth²) integer compares and no allocation: equal meetings
   * are one instance.
   */
  public Meeting meet(Upstream a, Upstream b) {
    int[] ia = a.ids;
    int[] ib = b.ids;
    int i = -1;
    int j = -1;
    outer:
    for (int x = 0; x < ia.length; x++) {
      int id = ia[x];
      for (int y = 0; y < ib.length; y++) {
        if (id == ib[y]) {
          i = x;
          j = y;
          break outer;
        }
      }
    }
    boolean redirect = false;
    boolean unknown = false;
    int switches = 0;
    if (i >= 0) {
      redirect = a.redirectUpTo[i] || (j > 0 && b.redirectUpTo[j - 1]);
      unknown = a.unknownUpTo[i] || (j > 0 && b.unknownUpTo[j - 1]);
      switches = switchesBetween(a, b, i, j);
    }
    boolean hbKnown = a.hostBridge != null && b.hostBridge != null;
    boolean sameHb = a.hostBridge != null && a.hostBridgeId == b.hostBridgeId;
    boolean numaKnown = a.numaId != Integer.MIN_VALUE && b.numaId != Integer.MIN_VALUE;
    boolean sameNuma = a.numaId == b.numaId;
    // the chains are at most 64 long (Fabric.chain): 7 bits hold each number
    int p = i >= 0 ? i : ia.length;
    int q = i >= 0 ? j : ib.length;
    int key =
        p
            | q << 7
            | Math.min(switches, 127) << 14
            | (i >= 0 ? 1 : 0) << 21
            | (redirect ? 1 : 0) << 22
            | (unknown ? 1 : 0) << 23
            | (hbKnown ? 1 : 0) << 24
            | (sameHb ? 1 : 0) << 25
            | (numaKnown ? 1 : 0) << 26
            | (sameNuma ? 1 : 0) << 27;
    Meeting m = meetings.get(key);
    if (m == null) {
      m =
          new Meeting(
              i, j, p + q, redirect, unknown, switches, sameHb, hbKnown, sameNuma, numaKnown);
      meetings.put(key, m);
    }
    return m;
  }

  /**
   * The distinct switches among the bridges between two functions whose chains meet at a's position
   * i and b's position j: a's chain from above a (from a itself when a is the common bridge) up to
   * the common bridge, and b's from above b to below it. A switch's ports are adjacent in a chain
   * (downstream port, then its upstream port), so each side counts runs; the one switch both sides
   * can hold is the common bridge's, on top of b's side.
   */
  static int switchesBetween(Upstream a, Upstream b, int i, int j) {
    int n = i == 0 ? (a.switchIds[0] >= 0 ? 1 : 0) : a.switchesFrom1[i];
    if (j >= 2) {
      n += b.switchesFrom1[j - 1];
      int top = b.switchIds[j - 1];
      if (top >= 0 && (top == a.switchIds[i] || (i >= 2 && top == a.switchIds[i - 1]))) {
        n--;
      }
    }
    return n;
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
}
