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
 * root port) carries the fewest, then PCI order. O(GPUs × candidates) path lookups, each pair once;
 * {@link Planner#MAX_PAIRS} bounds that product before any of it.
 */
final class Pairing {

  private static final PathClass[] CLASSES = PathClass.values();

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

  /**
   * The path class (its ordinal) of every GPU × candidate pair; the caller has bounded their
   * product ({@link PairLimitException#check}).
   */
  int[][] classes(List<String> gpus, List<Candidate> cands) {
    int[][] cls = new int[gpus.size()][cands.size()];
    for (int i = 0; i < cls.length; i++) {
      for (int j = 0; j < cls[i].length; j++) {
        cls[i][j] = PathClass.of(fabric, gpus.get(i), cands.get(j).bdf()).ordinal();
      }
    }
    return cls;
  }

  /**
   * The matching: per GPU (in {@code gpus} order) the index of its candidate, -1 when there is
   * none.
   *
   * @param cls the pairs' classes ({@link #classes})
   */
  int[] match(List<String> gpus, List<Candidate> cands, int[][] cls) {
    int g = gpus.size();
    int c = cands.size();
    int[] out = new int[g];
    java.util.Arrays.fill(out, -1);
    if (c == 0) {
      return out;
    }
    int[] best = new int[g];
    int[] options = new int[g];
    for (int i = 0; i < g; i++) {
      best[i] = Integer.MAX_VALUE;
      for (int j = 0; j < c; j++) {
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
      out[i] = pick;
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
    List<Candidate> nvmes = nvmes();
    // before any per-pair work: the classes below are GPUs × candidates of time and memory
    PairLimitException.check(gpus.size(), nics.size(), nvmes.size());
    int[][] nicClass = classes(gpus, nics);
    int[] nicOf = match(gpus, nics, nicClass);
    int[] nvmeOf = match(gpus, nvmes, classes(gpus, nvmes));
    KernelP2pRules kernel = new KernelP2pRules(fabric);
    List<GpuPairing> out = new ArrayList<>();
    for (int i = 0; i < gpus.size(); i++) {
      String gpu = gpus.get(i);
      Candidate nic = nicOf[i] < 0 ? null : nics.get(nicOf[i]);
      Candidate nvme = nvmeOf[i] < 0 ? null : nvmes.get(nvmeOf[i]);
      SmiLabel nvidia = null;
      MapType verdict = null;
      PathClass cls = null;
      List<String> env = new ArrayList<>(List.of("CUDA_VISIBLE_DEVICES=" + i));
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
        cls = CLASSES[nicClass[i][nicOf[i]]];
        if (nic.name() != null) {
          String hca = nic.name() + (nic.port() == null ? "" : ":" + nic.port());
          env.add("NCCL_IB_HCA=" + hca);
          env.add("UCX_NET_DEVICES=" + hca);
        }
      }
      Map<String, PathClass> toNics = nicPathClasses(nics, nicClass[i]);
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

  /**
   * A GPU's {@code nicPathClass} attribute: every NIC's class when the host has at most {@link
   * GpuPairing.Attributes#MAX_NICS}, else the closest that many (class, then PCI order), in PCI
   * order. Every NIC of every GPU was GPUs × NICs entries in each answer (337 MB for 4,000 ×
   * 4,000); a real host has up to 32 NICs and keeps them all.
   */
  private static Map<String, PathClass> nicPathClasses(List<Candidate> nics, int[] cls) {
    int keep = Math.min(nics.size(), GpuPairing.Attributes.MAX_NICS);
    boolean[] kept = new boolean[nics.size()];
    if (keep == nics.size()) {
      java.util.Arrays.fill(kept, true);
    } else {
      // counting by class: the closest classes first, PCI order within a class
      int left = keep;
      for (int c = 0; c < CLASSES.length && left > 0; c++) {
        for (int j = 0; j < cls.length && left > 0; j++) {
          if (cls[j] == c) {
            kept[j] = true;
            left--;
          }
        }
      }
    }
    Map<String, PathClass> out = new LinkedHashMap<>();
    for (int j = 0; j < nics.size(); j++) {
      if (kept[j]) {
        Candidate n = nics.get(j);
        out.put(n.name() != null ? n.name() : n.bdf(), CLASSES[cls[j]]);
      }
    }
    return out;
  }
}
