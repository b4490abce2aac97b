package dev.fabricscope.p2p;

import dev.fabricscope.path.Meeting;
import dev.fabricscope.topology.DeviceKind;
import dev.fabricscope.topology.Gpu;
import dev.fabricscope.topology.RdmaDevice;
import java.util.ArrayList;
import java.util.List;

/**
 * NCCL's path classes and default decisions (p2p-rules.md §4.2–4.6, NCCL 2.30.7 {@code
 * src/graph/paths.cc}). NCCL's PCI graph has one node per switch, found by going up two sysfs
 * levels from a device (§4.3): root ports never appear and a device on a root port hangs off its
 * NUMA node's CPU. Paths: PIX under one switch, PXB across switches, PHB through the CPU of one
 * NUMA node (NCCL cannot tell nvidia-smi's NODE from PHB), SYS across NUMA nodes. P2P between GPUs
 * is on up to PXB (SYS on AMD hosts with at most two GPUs); GPUDirect RDMA up to P2C, which without
 * C2C links means up to PXB; pre-Ampere GPUs only when NVLink joins some GPU pair or there is one
 * GPU. Not modelled: PXN re-routing through NVLink peers, Broadcom switch flattening, NVML's own
 * P2P status and the NCCL_* overrides. The NUMA nodes come from the pair's {@link
 * dev.fabricscope.path.Path}; NCCL's switch nodes are NCCL's own graph over the same chains (every
 * second level), decided by {@link #pcie} for one pair and for the all-pairs matrix alike. A path
 * decided by unknown NUMA nodes, or GPUDirect RDMA granted on an unknown compute capability, is
 * provisional.
 */
public final class NcclRules implements PairRule<NcclVerdict> {

  private final Fabric fabric;
  private final int gpuCount;
  private final boolean anyNvlinkGpuPair;
  private final boolean amd;
  private final java.util.Set<String> hardwareRdma = new java.util.HashSet<>();
  private final java.util.Map<String, Integer> sm = new java.util.HashMap<>();
  private final java.util.Map<String, Integer> nodeIds = new java.util.HashMap<>();
  private final java.util.Map<String, int[]> nodesOf = new java.util.HashMap<>();

  public NcclRules(Fabric fabric) {
    this.fabric = fabric;
    List<Gpu> gpus = fabric.report().gpus();
    this.gpuCount = gpus.size();
    boolean nv = false;
    for (int i = 0; i < gpus.size() && !nv; i++) {
      for (int j = i + 1; j < gpus.size() && !nv; j++) {
        nv = fabric.nvlinkCount(gpus.get(i).pciFunction(), gpus.get(j).pciFunction()) > 0;
      }
    }
    this.anyNvlinkGpuPair = nv;
    this.amd = fabric.amdCpu();
    for (RdmaDevice r : fabric.report().rdma()) {
      if (r.provider() == RdmaDevice.Provider.HARDWARE && r.pciFunction() != null) {
        hardwareRdma.add(r.pciFunction());
      }
    }
    for (Gpu g : gpus) {
      if (g.sm() != null) {
        sm.put(g.pciFunction(), g.sm());
      }
    }
  }

  @Override
  public Ruling<NcclVerdict> rule(DevicePair pair) {
    List<Reason> reasons = new ArrayList<>();
    NcclPath path = path(pair.a().bdf(), pair.b().bdf(), pair.path().meeting());
    NcclVerdict v = decide(pair.a(), pair.b(), path, reasons);
    boolean byNuma = path == NcclPath.PHB || path == NcclPath.SYS;
    boolean provisional =
        byNuma && !pair.path().meeting().numaKnown() || gdrAssumed(pair.a(), pair.b(), v);
    return new Ruling<>(v, provisional, reasons);
  }

  /** Whether the GDR decision rests on an unknown compute capability assumed current. */
  private boolean gdrAssumed(Device a, Device b, NcclVerdict v) {
    if (!Boolean.TRUE.equals(v.gdr())) {
      return false;
    }
    Device gpu = a.kind() == DeviceKind.GPU ? a : b;
    return !sm.containsKey(gpu.bdf()) && !anyNvlinkGpuPair && gpuCount != 1;
  }

  /** NCCL's default P2P and GDR decisions for a pair on a known path; reasons may be null. */
  NcclVerdict decide(Device a, Device b, NcclPath path, List<Reason> reasons) {
    Boolean p2p = null;
    Boolean gdr = null;
    if (a.kind() == DeviceKind.GPU && b.kind() == DeviceKind.GPU) {
      boolean amdTwo = amd && gpuCount <= 2;
      NcclPath limit = amdTwo ? NcclPath.SYS : NcclPath.PXB;
      p2p = path.atMost(limit);
      if (reasons != null && amdTwo) {
        reasons.add(
            new Reason(
                Reason.NCCL_AMD_TWO_GPUS,
                "NCCL raises its P2P limit to SYS on AMD hosts with at most two GPUs",
                null));
      }
      if (reasons != null && !p2p) {
        reasons.add(
            new Reason(
                Reason.NCCL_P2P_OFF,
                "NCCL uses P2P only up to " + limit + " by default; this path is " + path,
                "NCCL_P2P_LEVEL=" + path + " forces it (only if the platform really allows it)"));
      }
    } else if (isGpuNic(a, b)) {
      Device gpu = a.kind() == DeviceKind.GPU ? a : b;
      Device nic = gpu == a ? b : a;
      boolean hw = nic.rdma() == null && hardwareRdma.contains(nic.bdf());
      boolean capable = gdrCapableGpu(gpu.bdf());
      gdr = path.atMost(NcclPath.P2C) && hw && capable;
      if (reasons != null && !gdr) {
        String why =
            !hw
                ? nic.name() + " is not a hardware RDMA device"
                : !capable
                    ? "pre-Ampere GPU without NVLink peers: NCCL leaves GDR reads off"
                    : "NCCL uses GPUDirect RDMA only up to PXB (P2C) by default; this path is "
                        + path;
        reasons.add(
            new Reason(
                Reason.NCCL_GDR_OFF,
                why + ": data is staged through host memory",
                "put the NIC and GPU under one switch"));
      }
    }
    return NcclVerdict.of(path, p2p, gdr);
  }

  private static boolean isGpuNic(Device a, Device b) {
    return (a.kind() == DeviceKind.GPU && isNic(b)) || (b.kind() == DeviceKind.GPU && isNic(a));
  }

  private static boolean isNic(Device d) {
    return d.kind() == DeviceKind.NIC || d.kind() == DeviceKind.RDMA;
  }

  private boolean gdrCapableGpu(String bdf) {
    Integer v = sm.get(bdf);
    // unknown sm: assume a current GPU (sm >= 80), as every GPU sold since 2020
    return v == null || v >= 80 || anyNvlinkGpuPair || gpuCount == 1;
  }

  /** NCCL's path type between two PCI functions. */
  public NcclPath path(String a, String b) {
    return path(a, b, fabric.paths().path(a, b).meeting());
  }

  /**
   * NCCL's path type between two functions whose chains meet as {@code m}: NCCL's switch nodes
   * (§4.3) decide PIX and PXB; without a common one the NUMA nodes of the path decide PHB or SYS.
   */
  private NcclPath path(String a, String b, Meeting m) {
    if (a.equals(b)) {
      return NcclPath.LOC;
    }
    if (fabric.nvlinkCount(a, b) > 0) {
      return NcclPath.NVL;
    }
    return pcie(sameDevice(a, b), ncclNodes(a), ncclNodes(b), m);
  }

  /**
   * NCCL's PCIe path type of two functions from NCCL's switch nodes above each (ids from {@link
   * #ncclNodes}) and where their chains meet: LOC for functions of one device (NCCL merges them
   * into one node), PIX when both hang off the same first switch node, PXB when they share a later
   * one, else PHB or SYS by the NUMA nodes. The one decision of the pair verdict and the all-pairs
   * matrix.
   */
  static NcclPath pcie(boolean sameDevice, int[] na, int[] nb, Meeting m) {
    if (sameDevice) {
      return NcclPath.LOC;
    }
    for (int x = 0; x < na.length; x++) {
      for (int y = 0; y < nb.length; y++) {
        if (na[x] == nb[y]) {
          return x == 0 && y == 0 ? NcclPath.PIX : NcclPath.PXB;
        }
      }
    }
    return m.sameNuma() ? NcclPath.PHB : NcclPath.SYS;
  }

  /** NCCL's switch nodes above a function ({@link #ncclParents}) as ids of this instance. */
  int[] ncclNodes(String bdf) {
    return nodesOf.computeIfAbsent(
        fabric.effective(bdf),
        b ->
            ncclParents(b).stream()
                .mapToInt(n -> nodeIds.computeIfAbsent(n, x -> nodeIds.size()))
                .toArray());
  }

  static boolean sameDevice(String a, String b) {
    int da = a.lastIndexOf('.');
    int db = b.lastIndexOf('.');
    return da > 0 && da == db && a.substring(0, da).equals(b.substring(0, db));
  }

  /** NCCL's PCI switch nodes above a device: every second level of the sysfs chain (§4.3). */
  List<String> ncclParents(String bdf) {
    List<String> chain = fabric.chain(bdf);
    List<String> out = new ArrayList<>();
    if (fabric.switchNodesOnly()) {
      // an NCCL file already holds NCCL's nodes: every bridge above is a switch
      for (int i = 1; i < chain.size(); i++) {
        if (fabric.switchOf(chain.get(i)) != null) {
          out.add(chain.get(i));
        }
      }
      return out;
    }
    for (int i = 2; i < chain.size(); i += 2) {
      out.add(chain.get(i));
    }
    return out;
  }
}
