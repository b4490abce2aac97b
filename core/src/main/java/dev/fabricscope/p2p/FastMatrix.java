package dev.fabricscope.p2p;

import dev.fabricscope.topology.PciFunction;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every pair's verdicts without reasons or hops, for large hosts and fleets: the same rules as
 * {@link P2pAnalyzer} (kernel §2.3, nvidia-smi §4.1, NCCL §4.4–4.6, bottleneck §5), with each
 * device's chain precomputed as arrays — prefix flags for ACS redirect and unknown ACS, prefix
 * minima of link bandwidth, switch counts, NCCL nodes — so a pair costs O(depth²) integer compares
 * and the host-bridge decision is cached per pair of root buses. {@code FastMatrixTest} checks that
 * it agrees with the full analyzer on every fixture.
 */
public final class FastMatrix {

  /** One pair's verdicts, compact. */
  public record Cell(
      KernelVerdict kernel,
      String nvidia,
      String nvidiaPcie,
      NcclVerdict nccl,
      DriverVerdict driver,
      Bottleneck bottleneck) {}

  private final Fabric fabric;
  private final P2pAnalyzer analyzer;
  private final NcclRules nccl;
  private final NvidiaSmiRules smi;
  private final KernelP2pRules kernel;
  private final List<Device> devices;
  private final Chain[] chains;
  private final Map<String, Integer> hostBridgeIds = new HashMap<>();
  private final Map<String, Integer> nodeIds = new HashMap<>();
  // functions of one PCI device (bus:dev without .fn) share an id: NcclRules.sameDevice per pair
  // would cut two substrings for each of the n² pairs
  private final Map<String, Integer> deviceIds = new HashMap<>();
  private final KernelVerdict[][][] kernelCache = new KernelVerdict[3][2][64];
  private KernelVerdict[][] hostBridgeVerdicts = new KernelVerdict[0][0];

  /** What a device's upstream chain holds, position by position. */
  private record Chain(
      int[] ids,
      String[] bdf,
      boolean[] redirectUpTo,
      boolean[] unknownUpTo,
      int[] switchCountUpTo,
      String[] switchAt,
      Bottleneck[] slowestUpTo,
      int[] ncclNodes,
      String hostBridge,
      int hostBridgeId,
      Integer numa,
      boolean refused,
      boolean hasNvlink,
      int deviceId) {}

  public FastMatrix(P2pAnalyzer analyzer) {
    this.analyzer = analyzer;
    this.fabric = analyzer.fabric();
    this.nccl = new NcclRules(fabric);
    this.smi = new NvidiaSmiRules(fabric);
    this.kernel = new KernelP2pRules(fabric);
    this.devices = analyzer.devices();
    this.chains = new Chain[devices.size()];
    for (int i = 0; i < chains.length; i++) {
      chains[i] = chain(devices.get(i));
    }
    hostBridgeVerdicts = new KernelVerdict[hostBridgeIds.size()][hostBridgeIds.size()];
  }

  public List<Device> devices() {
    return devices;
  }

  private Chain chain(Device d) {
    List<String> c = fabric.chain(d.bdf());
    int n = c.size();
    String[] bdf = c.toArray(new String[0]);
    boolean[] redirect = new boolean[n];
    boolean[] unknown = new boolean[n];
    int[] switches = new int[n];
    String[] switchAt = new String[n];
    Bottleneck[] slowest = new Bottleneck[n];
    java.util.Set<String> seen = new java.util.HashSet<>();
    PathLinks links = new PathLinks(fabric);
    for (int k = 0; k < n; k++) {
      PciFunction f = fabric.function(bdf[k]);
      Boolean r = f == null || f.acs() == null ? null : f.acs().redirects();
      redirect[k] = (k > 0 && redirect[k - 1]) || Boolean.TRUE.equals(r);
      unknown[k] = (k > 0 && unknown[k - 1]) || r == null;
      switchAt[k] = fabric.switchOf(bdf[k]);
      if (k > 0 && switchAt[k] != null) {
        seen.add(switchAt[k]);
      }
      switches[k] = seen.size();
      // slowest link among the links of chain[0..k] (the link of x is x to its parent)
      Bottleneck own = f == null || f.link() == null ? null : links.linkRateOf(f);
      Bottleneck prev = k > 0 ? slowest[k - 1] : null;
      slowest[k] = own == null || (prev != null && prev.rawGBps() <= own.rawGBps()) ? prev : own;
    }
    List<String> ncclNodes = nccl.ncclParents(d.bdf());
    boolean refused = kernel.refusedRdma(d) != null;
    int[] ids = new int[n];
    for (int k = 0; k < n; k++) {
      ids[k] = nodeIds.computeIfAbsent(bdf[k], x -> nodeIds.size());
    }
    int[] ncclIds = new int[ncclNodes.size()];
    for (int k = 0; k < ncclIds.length; k++) {
      ncclIds[k] = nodeIds.computeIfAbsent(ncclNodes.get(k), x -> nodeIds.size());
    }
    return new Chain(
        ids,
        bdf,
        redirect,
        unknown,
        switches,
        switchAt,
        slowest,
        ncclIds,
        fabric.hostBridge(d.bdf()),
        hostBridgeIds.computeIfAbsent(
            String.valueOf(fabric.hostBridge(d.bdf())), k -> hostBridgeIds.size()),
        fabric.numaNode(d.bdf()),
        refused,
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
    if (a.hasNvlink && b.hasNvlink
        || a.refused
        || b.refused
        || da.bdf().equals(db.bdf())
        || analyzer.driverKnows(da.bdf()) && analyzer.driverKnows(db.bdf())) {
      // rare cases take the full path (GPU pairs the driver answered for: a few dozen per host)
      PairVerdict v = analyzer.pair(da, db);
      return new Cell(v.kernel(), v.nvidia(), v.nvidiaPcie(), v.nccl(), v.driver(), v.bottleneck());
    }
    int li = -1;
    int lj = -1;
    outer:
    for (int x = 0; x < a.ids.length; x++) {
      for (int y = 0; y < b.ids.length; y++) {
        if (a.ids[x] == b.ids[y]) {
          li = x;
          lj = y;
          break outer;
        }
      }
    }
    KernelVerdict k;
    String label;
    Bottleneck bn;
    if (li >= 0) {
      int dist = li + lj;
      boolean redirect = a.redirectUpTo[li] || (lj > 0 && b.redirectUpTo[lj - 1]);
      boolean unknown = a.unknownUpTo[li] || (lj > 0 && b.unknownUpTo[lj - 1]);
      k =
          redirect
              ? hostBridge(da, db, a, b, dist)
              : kernelVerdict(KernelVerdict.BUS_ADDR, dist, unknown);
      int sw = a.switchCountUpTo[li] + (lj > 0 ? b.switchCountUpTo[lj - 1] : 0);
      String top = lj > 0 ? b.switchAt[lj - 1] : null;
      if (top != null
          && (top.equals(a.switchAt[li]) || (li > 0 && top.equals(a.switchAt[li - 1])))) {
        sw--; // the common switch counted from both sides
      }
      label = sw <= 1 ? "PIX" : "PXB";
      bn = slower(li > 0 ? a.slowestUpTo[li - 1] : null, lj > 0 ? b.slowestUpTo[lj - 1] : null);
    } else {
      int dist = a.bdf.length + b.bdf.length;
      k = hostBridge(da, db, a, b, dist);
      // no common bridge: the host bridges and NUMA nodes decide (NvidiaSmiRules.pcieLabel)
      if (a.hostBridge != null && b.hostBridge != null) {
        label =
            a.hostBridgeId == b.hostBridgeId
                ? "PHB"
                : Objects.equals(a.numa, b.numa) ? "NODE" : "SYS";
      } else {
        label = Objects.equals(a.numa, b.numa) ? "PHB" : "SYS";
      }
      bn =
          slower(
              a.bdf.length > 1 ? a.slowestUpTo[a.bdf.length - 2] : null,
              b.bdf.length > 1 ? b.slowestUpTo[b.bdf.length - 2] : null);
    }
    NcclVerdict n = ncclVerdict(da, db, a, b);
    return new Cell(k, label, label, n, null, bn);
  }

  private NcclVerdict ncclVerdict(Device da, Device db, Chain a, Chain b) {
    // NCCL merges the functions of one device into one node
    boolean sameDevice = a.deviceId >= 0 && a.deviceId == b.deviceId;
    String path = sameDevice ? "LOC" : null;
    for (int x = 0; x < a.ncclNodes.length && path == null; x++) {
      for (int y = 0; y < b.ncclNodes.length; y++) {
        if (a.ncclNodes[x] == b.ncclNodes[y]) {
          path = x == 0 && y == 0 ? "PIX" : "PXB";
          break;
        }
      }
    }
    if (path == null) {
      path = Objects.equals(a.numa, b.numa) ? "PHB" : "SYS";
    }
    return nccl.decide(da, db, path, null);
  }

  private static Bottleneck slower(Bottleneck x, Bottleneck y) {
    if (x == null) {
      return y;
    }
    return y == null || x.rawGBps() <= y.rawGBps() ? x : y;
  }

  /** The host-bridge branch depends only on the two root buses: decided once per pair of them. */
  private KernelVerdict hostBridge(Device da, Device db, Chain a, Chain b, int distance) {
    KernelVerdict cached = hostBridgeVerdicts[a.hostBridgeId][b.hostBridgeId];
    if (cached == null) {
      cached = kernel.hostBridgeOnly(da.bdf(), db.bdf());
      hostBridgeVerdicts[a.hostBridgeId][b.hostBridgeId] = cached;
    }
    return kernelVerdict(cached.mapType(), distance, cached.provisional());
  }

  /** Verdicts are values: one shared instance per map type, provisional flag and distance. */
  private KernelVerdict kernelVerdict(String mapType, int distance, boolean provisional) {
    int t =
        mapType.equals(KernelVerdict.BUS_ADDR)
            ? 0
            : mapType.equals(KernelVerdict.THRU_HOST_BRIDGE) ? 1 : 2;
    if (distance >= 64) {
      return new KernelVerdict(mapType, distance, provisional);
    }
    KernelVerdict[] row = kernelCache[t][provisional ? 1 : 0];
    KernelVerdict v = row[distance];
    if (v == null) {
      v = new KernelVerdict(mapType, distance, provisional);
      row[distance] = v;
    }
    return v;
  }
}
