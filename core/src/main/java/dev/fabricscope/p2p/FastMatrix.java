package dev.fabricscope.p2p;

import dev.fabricscope.path.Meeting;
import dev.fabricscope.path.Paths;
import dev.fabricscope.path.PcieLink;
import dev.fabricscope.path.Upstream;
import dev.fabricscope.sysfs.PciTopology;
import dev.fabricscope.topology.PciFunction;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every pair's verdicts without reasons or hops, for large hosts and fleets: the same rules as
 * {@link P2pAnalyzer} (kernel §2.3, nvidia-smi §4.1, NCCL §4.4–4.6, bottleneck §5) over the same
 * path model. Each device's {@link Upstream} comes from {@link Paths}, and a pair's {@link Meeting}
 * is found by {@link Paths#meet}, the code that builds every {@link dev.fabricscope.path.Path}; the
 * decisions are the rule sets' own ({@link KernelP2pRules#staysBelow}, {@link
 * NvidiaSmiRules#pcieLabel(Meeting)}). What is skipped is only what a pair verdict adds for people:
 * hop and link lists and reason sentences. A pair costs O(depth²) integer compares and the
 * host-bridge decision is cached per pair of root-bus kinds ({@link #bridgeKind}), so what the
 * constructor allocates is O(devices × depth): a table per pair of root buses was hostBridges²
 * references, and one report of 20,000 GPUs each on its own root bus made the fleet findings
 * allocate 1.6 GB and exit a 512 MiB server, again after every restart (fifteenth security review).
 * {@code FastMatrixTest} checks that it agrees with the full analyzer on every fixture and on
 * generated hosts of many root buses.
 */
public final class FastMatrix {

  /** One pair's verdicts, compact. */
  public record Cell(
      KernelVerdict kernel,
      SmiLabel nvidia,
      SmiLabel nvidiaPcie,
      NcclVerdict nccl,
      DriverVerdict driver,
      Bottleneck bottleneck) {}

  private final Fabric fabric;
  private final Paths paths;
  private final P2pAnalyzer analyzer;
  private final NcclRules nccl;
  private final KernelP2pRules kernel;
  private final List<Device> devices;
  private final Chain[] chains;
  // functions of one PCI device (bus:dev without .fn) share an id: NcclRules.sameDevice per pair
  // would cut two substrings for each of the n² pairs
  private final Map<String, Integer> deviceIds = new HashMap<>();
  private final Map<PcieLink, Bottleneck> bottlenecks = new IdentityHashMap<>();
  private final KernelVerdict[][][] kernelCache = new KernelVerdict[3][2][64];
  // the root-bus kinds of bridgeKind
  private static final int BRIDGE_KINDS = 4;
  // per root bus (Upstream.hostBridgeId), its kind + 1; 0 until first met
  private final byte[] bridgeKinds;
  // per (kind a, kind b, same root bus): the host-bridge verdict, null until first met
  private final KernelVerdict[] hostBridgeVerdicts =
      new KernelVerdict[BRIDGE_KINDS * BRIDGE_KINDS * 2];
  private final SharedCells cells = new SharedCells();

  /** A device's upstream chain from the path model, with what NCCL and the rare cases need. */
  private record Chain(
      Upstream up,
      Bottleneck[] slowestUpTo,
      int[] ncclNodes,
      boolean refused,
      boolean hasNvlink,
      int deviceId) {}

  public FastMatrix(P2pAnalyzer analyzer) {
    this.analyzer = analyzer;
    this.fabric = analyzer.fabric();
    this.paths = fabric.paths();
    this.nccl = new NcclRules(fabric);
    this.kernel = new KernelP2pRules(fabric);
    this.devices = analyzer.devices();
    this.chains = new Chain[devices.size()];
    int hostBridges = 0;
    for (int i = 0; i < chains.length; i++) {
      chains[i] = chain(devices.get(i));
      hostBridges = Math.max(hostBridges, chains[i].up.hostBridgeId() + 1);
    }
    bridgeKinds = new byte[hostBridges];
  }

  Fabric fabric() {
    return fabric;
  }

  public List<Device> devices() {
    return devices;
  }

  private Chain chain(Device d) {
    Upstream up = paths.upstream(d.bdf());
    Bottleneck[] slowest = new Bottleneck[up.length()];
    for (int k = 0; k < slowest.length; k++) {
      PcieLink l = up.slowestUpTo(k);
      slowest[k] = l == null ? null : bottlenecks.computeIfAbsent(l, PcieLink::bottleneck);
    }
    return new Chain(
        up,
        slowest,
        nccl.ncclNodes(d.bdf()),
        kernel.refusedRdma(d) != null,
        fabric.hasNvlink(d.bdf()),
        deviceId(d.bdf()));
  }

  // The same grouping as NcclRules.sameDevice: BDFs without a '.' are never one device.
  private int deviceId(String bdf) {
    int dot = bdf.lastIndexOf('.');
    return dot > 0 ? deviceIds.computeIfAbsent(bdf.substring(0, dot), x -> deviceIds.size()) : -1;
  }

  /** Every unordered pair, row by row: (0,1), (0,2), ..., (1,2), ... */
  public Cell[] allPairs() {
    int n = devices.size();
    Cell[] out = new Cell[n * (n - 1) / 2];
    int k = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        out[k++] = cell(i, j);
      }
    }
    return out;
  }

  /** The verdicts of devices i and j (indexes into {@link #devices()}). */
  public Cell cell(int i, int j) {
    Chain a = chains[i];
    Chain b = chains[j];
    Device da = devices.get(i);
    Device db = devices.get(j);
    if (a.hasNvlink && b.hasNvlink || a.refused || b.refused || da.bdf().equals(db.bdf())) {
      // rare cases take the full path
      PairVerdict v = analyzer.pair(da, db);
      return new Cell(v.kernel(), v.nvidia(), v.nvidiaPcie(), v.nccl(), v.driver(), v.bottleneck());
    }
    Cell c = fastCell(a, b, da, db);
    // The driver's answer is a's NVML entry for b (DriverRules), which the topology verdicts do
    // not depend on. Sending every pair of two GPUs with NVML data down the full path instead let
    // a report of 2,000 GPUs with empty nvml objects escape /p2p's device cap (fifth security
    // review).
    DriverVerdict driver = analyzer.driverVerdict(da, db);
    return driver == null
        ? c
        : new Cell(c.kernel(), c.nvidia(), c.nvidiaPcie(), c.nccl(), driver, c.bottleneck());
  }

  private Cell fastCell(Chain a, Chain b, Device da, Device db) {
    Meeting m = paths.meet(a.up, b.up);
    KernelVerdict k =
        KernelP2pRules.staysBelow(m)
            ? kernelVerdict(MapType.BUS_ADDR, m.distance(), m.distance() > 0 && m.acsUnknown())
            : hostBridge(a, b, m.distance());
    SmiLabel label = NvidiaSmiRules.pcieLabel(m);
    Bottleneck bn;
    if (m.hasCommonBridge()) {
      // the links below the common bridge: a's chain up to it, b's likewise
      bn = slower(slowest(a, m.upA() - 1), slowest(b, m.upB() - 1));
    } else {
      // through the host: every link but the topmost function's (its root port's internal bus)
      bn = slower(slowest(a, a.up.length() - 2), slowest(b, b.up.length() - 2));
    }
    NcclVerdict n = ncclVerdict(da, db, a, b, m);
    return cells.of(k, label, n, bn);
  }

  private static Bottleneck slowest(Chain c, int upTo) {
    return upTo < 0 ? null : c.slowestUpTo[upTo];
  }

  private NcclVerdict ncclVerdict(Device da, Device db, Chain a, Chain b, Meeting m) {
    // NCCL merges the functions of one device into one node
    boolean sameDevice = a.deviceId >= 0 && a.deviceId == b.deviceId;
    return nccl.decide(da, db, NcclRules.pcie(sameDevice, a.ncclNodes, b.ncclNodes, m), null);
  }

  private static Bottleneck slower(Bottleneck x, Bottleneck y) {
    if (x == null) {
      return y;
    }
    return y == null || x.rawGBps() <= y.rawGBps() ? x : y;
  }

  /**
   * The host-bridge branch, decided by {@link KernelP2pRules#hostBridgeOnly} once per pair of
   * root-bus kinds and whether the two root buses are one.
   */
  private KernelVerdict hostBridge(Chain a, Chain b, int distance) {
    String hbA = a.up.hostBridge();
    String hbB = b.up.hostBridge();
    // as KernelP2pRules.hostBridge compares them
    boolean same = hbA != null && hbA.equals(hbB);
    int slot = (bridgeKind(a.up) * BRIDGE_KINDS + bridgeKind(b.up)) * 2 + (same ? 1 : 0);
    KernelVerdict cached = hostBridgeVerdicts[slot];
    if (cached == null) {
      cached = kernel.hostBridgeOnly(hbA, hbB);
      hostBridgeVerdicts[slot] = cached;
    }
    return kernelVerdict(cached.mapType(), distance, cached.provisional());
  }

  /**
   * What {@link KernelP2pRules#hostBridgeOnly} reads of one root bus (p2p-rules.md §2.3 {@code
   * rep(hb)} and the §2.5 allow-list): 0 when its representative is not in the report (unknown), 1
   * when it is not accepted or not on the list, 2 when its row allows P2P within one host bridge
   * only, 3 when it allows any. The rest of that verdict is the host's (AMD Zen, the CPU known) and
   * whether the two root buses are one, so two root buses of one kind decide alike with any other:
   * the verdicts are cached per pair of kinds, not per pair of root buses. The reasons differ (they
   * name the bridges), but the matrix keeps none.
   */
  private int bridgeKind(Upstream up) {
    int id = up.hostBridgeId();
    int known = bridgeKinds[id];
    if (known == 0) {
      String hb = up.hostBridge();
      // as KernelP2pRules.hostBridge looks it up: the text "null" stands for an unknown root bus
      Fabric.Representative rep = fabric.representative("null".equals(hb) ? null : hb);
      PciFunction f = rep.function();
      HostBridgeAllowList.Row row =
          f == null || !rep.accepted()
              ? null
              : HostBridgeAllowList.find(
                  PciTopology.hex(f.vendorId()), PciTopology.hex(f.deviceId()));
      int kind = f == null ? 0 : row == null ? 1 : row.sameHostBridgeOnly() ? 2 : 3;
      known = kind + 1;
      bridgeKinds[id] = (byte) known;
    }
    return known - 1;
  }

  /** Verdicts are values: one shared instance per map type, provisional flag and distance. */
  private KernelVerdict kernelVerdict(MapType mapType, int distance, boolean provisional) {
    if (distance >= 64) {
      return new KernelVerdict(mapType, distance, provisional);
    }
    KernelVerdict[] row = kernelCache[mapType.ordinal()][provisional ? 1 : 0];
    KernelVerdict v = row[distance];
    if (v == null) {
      v = new KernelVerdict(mapType, distance, provisional);
      row[distance] = v;
    }
    return v;
  }
}
