package dev.fabricscope.sysfs;

import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PciLink;
import dev.fabricscope.topology.RdmaDevice;
import dev.fabricscope.topology.Report;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Repeats discovery cheaply: the first call is a full scan; later calls re-read only what changes
 * at run time — the device sets ({@code /sys/bus/pci/devices}, {@code /sys/class/infiniband},
 * {@code /sys/class/net}, {@code /sys/class/nvme}), each function's current link speed and width
 * (links retrain and idle down, p2p-rules.md §5.2) and each RDMA port's state and rate. When a
 * device set changed, it falls back to a full scan. Not thread-safe: one scanner per agent loop.
 */
public final class PeriodicScanner {

  private static final List<String> SETS =
      List.of(
          PciSysfsSource.DEVICES,
          InfinibandClassSource.IB,
          NetClassSource.NET,
          NvmeClassSource.NVME);

  private final SysfsRoot root;
  private final SysfsDiscovery discovery;
  private Report last;
  private Map<String, List<String>> lastSets;
  private final Map<String, String> pciDirs = new HashMap<>();
  private final Map<String, String> rdmaDirs = new HashMap<>();

  private final UnaryOperator<Report> after;

  public PeriodicScanner(SysfsRoot root, SysfsDiscovery discovery) {
    this(root, discovery, UnaryOperator.identity());
  }

  /**
   * With a step applied to every scan's answer (the agent's NVML answers): not to the state the
   * next rescan starts from, which stays what sysfs said.
   */
  public PeriodicScanner(SysfsRoot root, SysfsDiscovery discovery, UnaryOperator<Report> after) {
    this.root = root;
    this.discovery = discovery;
    this.after = after;
  }

  /** A full scan the first time and after a device set changed, else a rescan. */
  public Report scan() {
    Map<String, List<String>> sets = new HashMap<>();
    for (String s : SETS) {
      sets.put(s, root.list(s));
    }
    if (last == null || !sets.equals(lastSets)) {
      return after.apply(full(sets));
    }
    last = rescan(last);
    return after.apply(last);
  }

  /** Forces a full scan. */
  public Report full() {
    Map<String, List<String>> sets = new HashMap<>();
    for (String s : SETS) {
      sets.put(s, root.list(s));
    }
    return after.apply(full(sets));
  }

  private Report full(Map<String, List<String>> sets) {
    last = discovery.discover(root);
    lastSets = sets;
    pciDirs.clear();
    rdmaDirs.clear();
    for (PciFunction f : last.pci()) {
      root.resolve(PciSysfsSource.DEVICES + "/" + f.bdf()).ifPresent(d -> pciDirs.put(f.bdf(), d));
    }
    for (RdmaDevice r : last.rdma()) {
      root.resolve(InfinibandClassSource.IB + "/" + r.name())
          .ifPresent(d -> rdmaDirs.put(r.name(), d));
    }
    return last;
  }

  private Report rescan(Report prev) {
    Diagnostics diag = new Diagnostics();
    Map<String, PciLink.LinkState> current = new HashMap<>();
    for (PciFunction f : prev.pci()) {
      String dir = pciDirs.get(f.bdf());
      if (dir != null && f.link() != null && f.link().current() != null) {
        current.put(f.bdf(), readCurrent(dir, f.link().current(), diag));
      }
    }
    List<PciFunction> pci = new ArrayList<>(prev.pci().size());
    for (PciFunction f : prev.pci()) {
      pci.add(withCurrent(f, current));
    }
    InfinibandClassSource ib = new InfinibandClassSource(root, diag);
    List<RdmaDevice> rdma = new ArrayList<>(prev.rdma().size());
    for (RdmaDevice r : prev.rdma()) {
      String dir = rdmaDirs.get(r.name());
      List<RdmaDevice.Port> ports = new ArrayList<>();
      for (RdmaDevice.Port p : r.ports()) {
        if (dir == null) {
          ports.add(p);
          continue;
        }
        var s = ib.portState(dir + "/ports/" + p.port());
        ports.add(
            new RdmaDevice.Port(
                p.port(),
                s.state(),
                s.stateCode(),
                s.physState(),
                s.physStateCode(),
                s.rateGbps(),
                s.rate(),
                p.linkLayer(),
                p.lid(),
                p.smLid(),
                p.gids(),
                p.netdevs()));
      }
      rdma.add(
          new RdmaDevice(
              r.name(),
              r.pciFunction(),
              r.provider(),
              r.nodeGuid(),
              r.sysImageGuid(),
              r.firmware(),
              r.nodeType(),
              r.hcaType(),
              r.boardId(),
              r.nodeDesc(),
              r.parentNetdev(),
              ports));
    }
    // diagnostics of the full scan still hold (the files are the same); new failures are added
    List<dev.fabricscope.topology.Diagnostic> diags = new ArrayList<>(prev.diagnostics());
    for (var d : diag.list()) {
      if (!diags.contains(d)) {
        diags.add(d);
      }
    }
    return new Report(
        prev.schemaVersion(),
        prev.source(),
        prev.host(),
        pci,
        rdma,
        prev.net(),
        prev.nvme(),
        prev.gpus(),
        prev.nvlinks(),
        diags);
  }

  private PciLink.LinkState readCurrent(String dir, PciLink.LinkState before, Diagnostics diag) {
    SysfsRoot.Read<String> speed = root.text(dir + "/current_link_speed");
    SysfsRoot.Read<String> width = root.text(dir + "/current_link_width");
    if (!speed.ok() || !width.ok()) {
      diag.add(dir + "/current_link_speed", "not readable on rescan: link state kept");
      return before;
    }
    return new PciLink.LinkState(
        LinkSpeeds.parseSysfs(speed.value()), PciSysfsSource.intOrNull(width.value()));
  }

  private static PciFunction withCurrent(PciFunction f, Map<String, PciLink.LinkState> current) {
    PciLink l = f.link();
    if (l == null) {
      return f;
    }
    PciLink.LinkState cur = current.getOrDefault(f.bdf(), l.current());
    PciLink.Upstream up = l.upstream();
    if (up != null && current.containsKey(up.bdf())) {
      up = new PciLink.Upstream(up.bdf(), current.get(up.bdf()), up.max());
    }
    if (Objects.equals(cur, l.current()) && Objects.equals(up, l.upstream())) {
      return f;
    }
    return f.withLink(new PciLink(cur, l.max(), l.capability(), l.status(), up, l.reportedGBps()));
  }
}
