package dev.fabricscope.p2p;

import dev.fabricscope.topology.Gpu;
import dev.fabricscope.topology.NvmlPeer;
import dev.fabricscope.topology.Report;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The driver's P2P verdicts (NVML) of a report, per GPU pair, and where they disagree with the
 * kernel's and NCCL's (p2p-rules.md §2.1, §4.5): the kernel and NCCL decide from the topology, the
 * driver from what it knows of the chipset, IOMMU and its own settings, so when they differ one of
 * them will surprise a user (a CUDA peer copy that falls back to the host, or NCCL choosing P2P the
 * driver refuses).
 */
final class DriverRules {

  private final Map<String, Map<String, NvmlPeer>> peers = new HashMap<>();

  DriverRules(Report report) {
    for (Gpu g : report.gpus()) {
      if (g.nvml() == null) {
        continue;
      }
      Map<String, NvmlPeer> byPeer = new HashMap<>();
      for (NvmlPeer p : g.nvml().peers()) {
        byPeer.put(p.peer(), p);
      }
      peers.put(g.pciFunction(), byPeer);
    }
  }

  /** Whether the driver answered for this device (an NVIDIA GPU on a host read with NVML). */
  boolean knows(String bdf) {
    return peers.containsKey(bdf);
  }

  /**
   * The driver's verdict for a pair, null when the driver was not asked about it (not two GPUs of a
   * live host with NVML); a disagreement with the kernel or NCCL becomes a reason.
   */
  DriverVerdict verdict(String a, String b, KernelVerdict k, NcclVerdict n, List<Reason> reasons) {
    Map<String, NvmlPeer> of = peers.get(a);
    NvmlPeer p = of == null ? null : of.get(b);
    if (p == null) {
      return null;
    }
    DriverVerdict d = DriverVerdict.of(p);
    if (!d.known()) {
      return d;
    }
    boolean kernelAllows = !KernelVerdict.NOT_SUPPORTED.equals(k.mapType());
    if (kernelAllows != d.allowed()) {
      reasons.add(
          new Reason(
              Reason.DRIVER_DISAGREES,
              d.allowed()
                  ? "the NVIDIA driver allows P2P here, the kernel's P2PDMA does not: CUDA peer"
                      + " copies work, GPUDirect to other devices (NVMe, NICs) through P2PDMA does"
                      + " not"
                  : "the NVIDIA driver refuses P2P here ("
                      + d.label()
                      + ": "
                      + d.read()
                      + "), although the kernel's P2PDMA would map it: CUDA peer copies go"
                      + " through host memory",
              d.allowed()
                  ? null
                  : "check the driver's P2P settings and the platform's IOMMU and ACS setup"));
    }
    if (Boolean.TRUE.equals(n.p2p()) && !d.allowed()) {
      reasons.add(
          new Reason(
              Reason.DRIVER_DISAGREES,
              "NCCL would choose P2P by topology ("
                  + n.path()
                  + "), but the driver refuses it: NCCL's P2P transport fails or falls back",
              "NCCL_P2P_DISABLE=1, or fix the driver's refusal"));
    }
    return d;
  }
}
