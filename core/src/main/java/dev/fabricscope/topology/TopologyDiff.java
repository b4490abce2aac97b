package dev.fabricscope.topology;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Structural diff of two reports of one host (style guide "TopologyDiff covers structure"; hwloc's
 * diff.h is attribute-only, this one also says what was added, removed or moved). PCI functions are
 * keyed by BDF, RDMA ports by {@code name/port}, NVMe controllers and interfaces by name. Compared:
 * the tree (parent, host bridge), the link's current and max state with the downtrain rule of
 * p2p-rules.md §5.2, ACS state and control bits (§2.4, §3), drivers, RDMA port state, phys state
 * and rate. Output order is deterministic: PCI changes by BDF (numerically, as lspci), then RDMA,
 * NVMe and net changes by name. O(n log n) in the number of functions.
 */
public final class TopologyDiff {

  private TopologyDiff() {}

  /** What changed. */
  public enum Kind {
    FUNCTION_ADDED,
    FUNCTION_REMOVED,
    FUNCTION_MOVED,
    LINK_CHANGED,
    ACS_CHANGED,
    DRIVER_CHANGED,
    RDMA_DEVICE_ADDED,
    RDMA_DEVICE_REMOVED,
    RDMA_PORT_CHANGED,
    NVME_ADDED,
    NVME_REMOVED,
    NET_ADDED,
    NET_REMOVED
  }

  /**
   * One change.
   *
   * @param kind what changed
   * @param device the BDF; for RDMA the device name or {@code name/port}; for NVMe and net the name
   * @param field the field that changed ({@code parent}, {@code link.current}, {@code acs.control},
   *     {@code state}...), null for added/removed
   * @param before the old value as text, null when absent
   * @param after the new value as text, null when absent
   * @param downtrained LINK_CHANGED only: the new current width is below the capable width (min of
   *     both ends' max, §5.2) or below the old current width; absent for other kinds
   * @param message a sentence a person understands
   */
  @JsonPropertyOrder({"kind", "device", "field", "before", "after", "downtrained", "message"})
  public record Change(
      Kind kind,
      String device,
      String field,
      String before,
      String after,
      @JsonInclude(JsonInclude.Include.NON_NULL) Boolean downtrained,
      String message) {}

  /**
   * The changes from one report to the next.
   *
   * @param host the host name of the newer report (the older one's when unknown)
   * @param changes every change, in the order described on {@link TopologyDiff}
   */
  public record Diff(String host, List<Change> changes) {
    public Diff {
      changes = List.copyOf(changes);
    }

    /** Whether nothing changed. */
    public boolean isEmpty() {
      return changes.isEmpty();
    }

    /** The changes of one kind, in order. */
    public List<Change> of(Kind kind) {
      return changes.stream().filter(c -> c.kind() == kind).toList();
    }
  }

  /** The structural changes from {@code from} to {@code to}. */
  public static Diff between(Report from, Report to) {
    List<Change> out = new ArrayList<>();
    Map<String, PciFunction> a = index(from.pci(), PciFunction::bdf, TopologyDiff::compareBdf);
    Map<String, PciFunction> b = index(to.pci(), PciFunction::bdf, TopologyDiff::compareBdf);
    TreeSet<String> bdfs = new TreeSet<>(TopologyDiff::compareBdf);
    bdfs.addAll(a.keySet());
    bdfs.addAll(b.keySet());
    for (String bdf : bdfs) {
      pci(bdf, a.get(bdf), b.get(bdf), out);
    }
    RdmaDiff.compare(from.rdma(), to.rdma(), out);
    named(from.nvme(), to.nvme(), NvmeController::name, Kind.NVME_ADDED, Kind.NVME_REMOVED, out);
    named(from.net(), to.net(), NetInterface::name, Kind.NET_ADDED, Kind.NET_REMOVED, out);
    String host = to.host() != null && to.host().name() != null ? to.host().name() : null;
    if (host == null && from.host() != null) {
      host = from.host().name();
    }
    return new Diff(host, out);
  }

  private static void pci(String bdf, PciFunction x, PciFunction y, List<Change> out) {
    if (x == null) {
      out.add(
          new Change(Kind.FUNCTION_ADDED, bdf, null, null, describe(y), null, bdf + " appeared"));
      return;
    }
    if (y == null) {
      out.add(
          new Change(
              Kind.FUNCTION_REMOVED, bdf, null, describe(x), null, null, bdf + " disappeared"));
      return;
    }
    moved(bdf, "parent", x.parent(), y.parent(), out);
    moved(bdf, "hostBridge", x.hostBridge(), y.hostBridge(), out);
    LinkDiff.compare(bdf, x.link(), y.link(), out);
    acs(bdf, x.acs(), y.acs(), out);
    if (!Objects.equals(x.driver(), y.driver())) {
      out.add(
          new Change(
              Kind.DRIVER_CHANGED,
              bdf,
              "driver",
              x.driver(),
              y.driver(),
              null,
              bdf + " driver " + orNone(x.driver()) + " → " + orNone(y.driver())));
    }
  }

  private static void moved(String bdf, String field, String x, String y, List<Change> out) {
    if (!Objects.equals(x, y)) {
      // a new parent means a different slot, riser or switch: every path through it changed
      out.add(
          new Change(
              Kind.FUNCTION_MOVED,
              bdf,
              field,
              x,
              y,
              null,
              bdf + " " + field + " " + orNone(x) + " → " + orNone(y)));
    }
  }

  private static void acs(String bdf, Acs x, Acs y, List<Change> out) {
    String sx = x == null ? null : x.state();
    String sy = y == null ? null : y.state();
    if (!Objects.equals(sx, sy)) {
      out.add(
          new Change(
              Kind.ACS_CHANGED,
              bdf,
              "acs.state",
              sx,
              sy,
              null,
              bdf + " ACS " + orNone(sx) + " → " + orNone(sy)));
    }
    Acs.Bits cx = x == null ? null : x.control();
    Acs.Bits cy = y == null ? null : y.control();
    if (!Objects.equals(cx, cy)) {
      boolean rx = Boolean.TRUE.equals(x == null ? null : x.redirects());
      boolean ry = Boolean.TRUE.equals(y == null ? null : y.redirects());
      String why =
          rx == ry
              ? ""
              : ry
                  ? ": now redirects peer traffic to the root complex (§2.4)"
                  : ": no longer redirects peer traffic (§2.4)";
      out.add(
          new Change(
              Kind.ACS_CHANGED,
              bdf,
              "acs.control",
              bits(cx),
              bits(cy),
              null,
              bdf + " ACSCtl " + bits(cx) + " → " + bits(cy) + why));
    }
  }

  /** ACS bits as lspci prints ACSCtl ({@code SrcValid+ TransBlk- ...}), null when unknown. */
  static String bits(Acs.Bits b) {
    if (b == null) {
      return null;
    }
    return String.format(
        Locale.ROOT,
        "SrcValid%s TransBlk%s ReqRedir%s CmpltRedir%s UpstreamFwd%s EgressCtrl%s DirectTrans%s",
        pm(b.srcValid()),
        pm(b.transBlk()),
        pm(b.reqRedir()),
        pm(b.cmpltRedir()),
        pm(b.upstreamFwd()),
        pm(b.egressCtrl()),
        pm(b.directTrans()));
  }

  private static String pm(boolean on) {
    return on ? "+" : "-";
  }

  private static <T> void named(
      List<T> from,
      List<T> to,
      Function<T, String> name,
      Kind added,
      Kind removed,
      List<Change> out) {
    Map<String, T> a = index(from, name, String::compareTo);
    Map<String, T> b = index(to, name, String::compareTo);
    TreeSet<String> names = new TreeSet<>(a.keySet());
    names.addAll(b.keySet());
    for (String n : names) {
      if (!a.containsKey(n)) {
        out.add(new Change(added, n, null, null, n, null, n + " appeared"));
      } else if (!b.containsKey(n)) {
        out.add(new Change(removed, n, null, n, null, null, n + " disappeared"));
      }
    }
  }

  static <T> Map<String, T> index(
      List<T> items, Function<T, String> key, Comparator<String> order) {
    Map<String, T> out = new TreeMap<>(order);
    for (T t : items) {
      String k = key.apply(t);
      if (k != null) {
        out.putIfAbsent(k, t);
      }
    }
    return out;
  }

  private static String describe(PciFunction f) {
    String name = f.deviceName() != null ? f.deviceName() : f.vendorId() + ":" + f.deviceId();
    return f.kind() == null ? name : f.kind().json() + " " + name;
  }

  static String num(Double v) {
    if (v == null) {
      return null;
    }
    return v == Math.rint(v) ? String.valueOf(v.longValue()) : String.valueOf(v);
  }

  /**
   * lspci's order: domain, bus, device, function, numerically; what is not a BDF sorts last by
   * text. Kept here so the model package depends on nothing else of the project.
   */
  static int compareBdf(String a, String b) {
    int c = Long.compare(bdfKey(a), bdfKey(b));
    return c != 0 ? c : a.compareTo(b);
  }

  private static long bdfKey(String bdf) {
    String[] p = bdf.split("[:.]");
    if (p.length != 4) {
      return Long.MAX_VALUE;
    }
    try {
      return (Long.parseLong(p[0], 16) << 16)
          | (Long.parseLong(p[1], 16) << 8)
          | (Long.parseLong(p[2], 16) << 3)
          | Long.parseLong(p[3], 16);
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  static String orNone(String s) {
    return s == null ? "none" : s;
  }
}
