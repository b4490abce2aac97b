package dev.fabricscope.p2p;

import dev.fabricscope.topology.DeviceKind;
import dev.fabricscope.topology.Gpu;
import dev.fabricscope.topology.RdmaDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * NCCL's path classes and default decisions (p2p-rules.md §4.2–4.6, NCCL 2.30.7 {@code
 * src/graph/paths.cc}). NCCL's PCI graph has one node per switch, found by going up two sysfs
 * levels from a device (§4.3): root ports never appear and a device on a root port hangs off its
 * NUMA node's CPU. Paths: PIX under one switch, PXB across switches, PHB through the CPU of one
 * NUMA node (NCCL cannot tell nvidia-smi's NODE from PHB), SYS across NUMA nodes. P2P between GPUs
 * is on up to PXB (SYS on AMD hosts with at most two GPUs); GPUDirect RDMA up to P2C, which without
 * C2C links means up to PXB; pre-Ampere GPUs only when NVLink joins some GPU pair or there is one
 * GPU. Not modelled: PXN re-routing through NVLink peers, Broadcom switch flattening, NVML's own
 * P2P status and the NCCL_* overrides.
 */
public final class NcclRules {

  private final Fabric fabric;
  private final int gpuCount;
  private final boolean anyNvlinkGpuPair;
  private final boolean amd;
  private final java.util.Set<String> hardwareRdma = new java.util.HashSet<>();
  private final java.util.Map<String, Integer> sm = new java.util.HashMap<>();

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

  /** Whether path type {@code a} is at most {@code b} in NCCL's order. */
  static boolean atMost(String a, String b) {
    return rank(a) <= rank(b);
  }

  /** The verdict for a pair of devices. */
  public NcclVerdict verdict(Device a, Device b, List<Reason> reasons) {
    return decide(a, b, path(a.bdf(), b.bdf()), reasons);
  }

  /** Path types in NCCL's order, for index comparisons. */
  static int rank(String path) {
    return switch (path) {
      case "LOC" -> 0;
      case "NVL" -> 1;
      case "NVB" -> 2;
      case "C2C" -> 3;
      case "PIX" -> 4;
      case "PXB" -> 5;
      case "P2C" -> 6;
      case "PXN" -> 7;
      case "PHB" -> 8;
      case "SYS" -> 9;
      case "NET" -> 10;
      default -> 11;
    };
  }

  /** NCCL's default P2P and GDR decisions for a pair on a known path; reasons may be null. */
  NcclVerdict decide(Device a, Device b, String path, List<Reason> reasons) {
    Boolean p2p = null;
    Boolean gdr = null;
    if (a.kind() == DeviceKind.GPU && b.kind() == DeviceKind.GPU) {
      boolean amdTwo = amd && gpuCount <= 2;
      String limit = amdTwo ? "SYS" : "PXB";
      p2p = atMost(path, limit);
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
      gdr = atMost(path, "P2C") && hw && capable;
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
    return new NcclVerdict(path, p2p, gdr);
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
  public String path(String a, String b) {
    if (a.equals(b)) {
      return "LOC";
    }
    if (fabric.nvlinkCount(a, b) > 0) {
      return "NVL";
    }
    if (sameDevice(a, b)) {
      return "LOC"; // NCCL merges the functions (ports) of one device into one node
    }
    List<String> na = ncclParents(a);
    List<String> nb = ncclParents(b);
    for (int i = 0; i < na.size(); i++) {
      int j = nb.indexOf(na.get(i));
      if (j >= 0) {
        return i == 0 && j == 0 ? "PIX" : "PXB";
      }
    }
    return Objects.equals(fabric.numaNode(a), fabric.numaNode(b)) ? "PHB" : "SYS";
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
