package dev.fabricscope.planner;

import dev.fabricscope.p2p.Device;
import dev.fabricscope.p2p.DevicePair;
import dev.fabricscope.p2p.Fabric;
import dev.fabricscope.p2p.KernelP2pRules;
import dev.fabricscope.p2p.MapType;
import dev.fabricscope.p2p.NvidiaSmiRules;
import dev.fabricscope.p2p.SmiLabel;
import dev.fabricscope.path.PcieLink;
import dev.fabricscope.topology.DeviceKind;
import dev.fabricscope.topology.Gpu;
import dev.fabricscope.topology.NvmeController;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.RdmaDevice;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Chooses a NIC port and an NVMe for every GPU by path class (PIX > PXB > PHB > NODE > SYS, as the
 * kernel routes the pair: {@link PathClass}), as a greedy matching that keeps NICs and uplinks
 * balanced: GPUs with the fewest best-class choices go first, and each takes, among its best-class
 * candidates, the one with the fewest GPUs so far, then the one whose uplink (the link into its
 * root port) carries the fewest, then PCI order. O(GPUs × candidates) path lookups.
 */
final class Pairing {

  /** A NIC port or NVMe controller a GPU can be paired with. */
  record Candidate(String bdf, String name, Integer port) {}

  private final Fabric fabric;
  private final NvidiaSmiRules smi;

  Pairing(Fabric fabric) {
    this.fabric = fabric;
    this.smi = new NvidiaSmiRules(fabric);
  }

  /** The report's GPUs in PCI bus order (CUDA's order with CUDA_DEVICE_ORDER=PCI_BUS_ID). */
  List<String> gpus() {
    return fabric.report().gpus().stream().map(Gpu::pciFunction).sorted().toList();
  }

  /** Hardware RDMA devices (first active port), else NIC functions by BDF. */
  List<Candidate> nics() {
    List<Candidate> out = new ArrayList<>();
    for (RdmaDevice d : fabric.report().rdma()) {
      if (d.provider() == RdmaDevice.Provider.HARDWARE && d.pciFunction() != null) {
        RdmaDevice.Port p =
            d.ports().stream()
                .filter(x -> "ACTIVE".equals(x.state()))
                .findFirst()
                .orElse(d.ports().isEmpty() ? null : d.ports().get(0));
        out.add(new Candidate(d.pciFunction(), d.name(), p == null ? null : p.port()));
      }
    }
    if (out.isEmpty()) {
      for (PciFunction f : fabric.report().pci()) {
        boolean vf = f.sriov() != null && f.sriov().physfn() != null;
        if (!vf && (f.kind() == DeviceKind.RDMA || f.kind() == DeviceKind.NIC)) {
          out.add(new Candidate(f.bdf(), null, null));
        }
      }
    }
    out.sort(Comparator.comparing(Candidate::bdf).thenComparing(c -> String.valueOf(c.name())));
    return out;
  }

  /** NVMe controllers on PCIe, else NVMe functions by BDF. */
  List<Candidate> nvmes() {
    List<Candidate> out = new ArrayList<>();
    for (NvmeController n : fabric.report().nvme()) {
      if (n.pciFunction() != null) {
        out.add(new Candidate(n.pciFunction(), n.name(), null));
      }
    }
    if (out.isEmpty()) {
      for (PciFunction f : fabric.report().pci()) {
        if (f.kind() == DeviceKind.NVME) {
          out.add(new Candidate(f.bdf(), null, null));
        }
      }
    }
    out.sort(Comparator.comparing(Candidate::bdf));
    return out;
  }

  /** The matching: per GPU (in {@code gpus} order) its candidate, null when there is none. */
  List<Candidate> match(List<String> gpus, List<Candidate> cands) {
    int g = gpus.size();
    int c = cands.size();
    List<Candidate> out = new ArrayList<>(java.util.Collections.nCopies(g, (Candidate) null));
    if (c == 0) {
      return out;
    }
    int[][] cls = new int[g][c];
    int[] best = new int[g];
    int[] options = new int[g];
    for (int i = 0; i < g; i++) {
      best[i] = Integer.MAX_VALUE;
      for (int j = 0; j < c; j++) {
        cls[i][j] = PathClass.of(fabric, gpus.get(i), cands.get(j).bdf()).ordinal();
        if (cls[i][j] < best[i]) {
          best[i] = cls[i][j];
          options[i] = 0;
        }
        options[i] += cls[i][j] == best[i] ? 1 : 0;
      }
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < g; i++) {
      order.add(i);
    }
    order.sort(Comparator.<Integer>comparingInt(i -> best[i]).thenComparingInt(i -> options[i]));
    int[] load = new int[c];
    Map<String, Integer> uplinkLoad = new HashMap<>();
    String[] uplink = new String[c];
    for (int j = 0; j < c; j++) {
      uplink[j] = uplink(cands.get(j).bdf());
    }
    for (int i : order) {
      int pick = -1;
      for (int j = 0; j < c; j++) {
        if (cls[i][j] != best[i]) {
          continue;
        }
        if (pick < 0
            || load[j] < load[pick]
            || load[j] == load[pick]
                && uplinkLoad.getOrDefault(uplink[j], 0)
                    < uplinkLoad.getOrDefault(uplink[pick], 0)) {
          pick = j;
        }
      }
      load[pick]++;
      uplinkLoad.merge(uplink[pick], 1, Integer::sum);
      out.set(i, cands.get(pick));
    }
    return out;
  }

  /** The link into the root port above a device (its uplink), or its root bus. */
  private String uplink(String bdf) {
    List<PcieLink> up = fabric.paths().toHost(bdf);
    return up.isEmpty()
        ? String.valueOf(fabric.hostBridge(bdf))
        : up.get(up.size() - 1).downstream();
  }

  /** The full pairing with env lines and DRA attributes. */
  List<GpuPairing> pairing() {
    List<String> gpus = gpus();
    List<Candidate> nics = nics();
    List<Candidate> nicOf = match(gpus, nics);
    List<Candidate> nvmeOf = match(gpus, nvmes());
    KernelP2pRules kernel = new KernelP2pRules(fabric);
    List<GpuPairing> out = new ArrayList<>();
    for (int i = 0; i < gpus.size(); i++) {
      String gpu = gpus.get(i);
      Candidate nic = nicOf.get(i);
      Candidate nvme = nvmeOf.get(i);
      SmiLabel nvidia = null;
      MapType verdict = null;
      PathClass cls = null;
      List<String> env = new ArrayList<>(List.of("CUDA_VISIBLE_DEVICES=" + i));
      // each GPU-NIC class once: the chosen NIC's and the attribute map's are the same pair
      Map<String, PathClass> byBdf = new HashMap<>();
      java.util.function.Function<String, PathClass> classes =
          bdf -> byBdf.computeIfAbsent(bdf, b -> PathClass.of(fabric, gpu, b));
      if (nic != null) {
        nvidia = smi.pcieLabel(gpu, nic.bdf());
        verdict =
            kernel
                .rule(
                    DevicePair.of(
                        fabric,
                        new Device(gpu, DeviceKind.GPU, gpu, null),
                        new Device(nic.bdf(), DeviceKind.RDMA, nic.bdf(), null)))
                .value()
                .mapType();
        cls = classes.apply(nic.bdf());
        if (nic.name() != null) {
          String hca = nic.name() + (nic.port() == null ? "" : ":" + nic.port());
          env.add("NCCL_IB_HCA=" + hca);
          env.add("UCX_NET_DEVICES=" + hca);
        }
      }
      Map<String, PathClass> toNics = new LinkedHashMap<>();
      for (Candidate n : nics) {
        toNics.put(n.name() != null ? n.name() : n.bdf(), classes.apply(n.bdf()));
      }
      List<String> switches = fabric.switchesOn(fabric.chain(gpu));
      GpuPairing.Attributes attrs =
          new GpuPairing.Attributes(
              fabric.hostBridge(gpu),
              switches.isEmpty() ? null : switches.get(switches.size() - 1),
              toNics);
      out.add(
          new GpuPairing(
              gpu,
              i,
              fabric.numaNode(gpu),
              nic == null ? null : nic.bdf(),
              nic == null ? null : nic.name(),
              nic == null ? null : nic.port(),
              nvme == null ? null : nvme.bdf(),
              nvidia,
              verdict,
              cls,
              env,
              attrs));
    }
    return out;
  }
}
