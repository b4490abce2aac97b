package dev.fabricscope.p2p;

import dev.fabricscope.topology.Gpu;
import dev.fabricscope.topology.NvmlPeer;
import dev.fabricscope.topology.Report;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The driver's P2P verdicts (NVML) of a report, per GPU pair, and where they disagree with the
 * kernel's and NCCL's (p2p-rules.md §2.1, §4.5): the kernel and NCCL decide from the topology, the
 * driver from what it knows of the chipset, IOMMU and its own settings, so when they differ one of
 * them will surprise a user (a CUDA peer copy that falls back to the host, or NCCL choosing P2P the
 * driver refuses).
 */
final class DriverRules implements PairRule<DriverVerdict> {

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
   * The GPUs this device's NVML answered for (its {@code peers} entries by BDF): the only pairs
   * with a driver verdict, so the only ones {@link #disagreements} can speak of.
   */
  Set<String> peersOf(String bdf) {
    Map<String, NvmlPeer> of = peers.get(bdf);
    return of == null ? Set.of() : of.keySet();
  }

  /**
   * The driver's verdict for a pair, as the first GPU's NVML reported it: null when the driver was
   * not asked about it (not two GPUs of a live host with NVML, or one entry with itself);
   * provisional when the driver answered "unknown". The driver's answer has no reasons of its own:
   * where it disagrees with the kernel or NCCL, {@link #disagreements} says so.
   */
  @Override
  public Ruling<DriverVerdict> rule(DevicePair pair) {
    DriverVerdict d = pair.sameEntry() ? null : verdict(pair.a().bdf(), pair.b().bdf());
    return new Ruling<>(d, d != null && !d.known(), List.of());
  }

  /**
   * The driver's verdict for a's NVML entry of b, null when there is none: what {@link #rule} gives
   * two different matrix entries, without the pair's path ({@link FastMatrix}).
   */
  DriverVerdict verdict(String a, String b) {
    Map<String, NvmlPeer> of = peers.get(a);
    NvmlPeer p = of == null ? null : of.get(b);
    return p == null ? null : DriverVerdict.of(p);
  }

  /** Where the driver's known answer disagrees with the kernel's or NCCL's, as reasons. */
  List<Reason> disagreements(DriverVerdict d, KernelVerdict k, NcclVerdict n) {
    List<Reason> reasons = new ArrayList<>();
    if (d == null || !d.known()) {
      return reasons;
    }
    boolean kernelAllows = k.mapType().allowed();
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
    return reasons;
  }
}
