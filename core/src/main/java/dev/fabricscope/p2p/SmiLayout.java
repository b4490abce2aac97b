package dev.fabricscope.p2p;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.fabricscope.importer.NcclXmlImporter;
import dev.fabricscope.sysfs.SysfsDiscovery;
import dev.fabricscope.topology.DeviceKind;
import dev.fabricscope.topology.Host;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.RdmaDevice;
import dev.fabricscope.topology.Report;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of {@code nvidia-smi topo -m} (p2p-rules.md §4.1) for a host's matrix devices, in
 * nvidia-smi's order and with its names, followed by the devices nvidia-smi does not list. One
 * place decides the labels that {@code topo}, the server's Matrix tab and {@code explain} use.
 *
 * <ul>
 *   <li>{@code GPU#}: NVIDIA GPUs only (vendor 0x10de, display or 3D class, §6.3), by PCI bus id
 *       (domain, bus, device, function as numbers). nvidia-smi numbers GPUs by NVML index, which is
 *       PCI bus order; {@code CUDA_DEVICE_ORDER} changes CUDA's numbering, not nvidia-smi's. The
 *       fixtures agree: Puget's GPU0 c1:00.0 and GPU1 c2:00.0.
 *   <li>{@code NIC#}: one per PCI function with a hardware RDMA device ({@code
 *       /sys/class/infiniband}, §6.3), by RDMA device name in natural order ({@code mlx5_2} before
 *       {@code mlx5_10}; {@code mlx5_bond_0} after every {@code mlx5_N}): each port of a multi-port
 *       NIC is its own function and so its own NIC. A NIC without RDMA device (virtio-net, a plain
 *       Ethernet port) is no NIC#, as on the H200 fixture. Software RDMA (rxe, siw, §2.6) sits on
 *       no PCI function of its own and is listed with the others.
 *   <li>The rest follows, by kind: {@code ACC#} for other GPUs and accelerators, {@code NVME#},
 *       {@code NET#} for NICs without RDMA, each in BDF order, and {@code RDMA#} for software RDMA
 *       in name order; nvidia-smi has no such rows, so they are marked {@code smi = false}.
 * </ul>
 *
 * @param affinityColumns the headers nvidia-smi prints after the device columns
 * @param rows every matrix device once: nvidia-smi's rows first
 */
public record SmiLayout(List<String> affinityColumns, List<Row> rows) {

  /** The affinity headers of current drivers (580.x on the H200 fixture). */
  public static final List<String> AFFINITY_COLUMNS =
      List.of("CPU Affinity", "NUMA Affinity", "GPU NUMA ID");

  /** What nvidia-smi prints for a value it does not know. */
  public static final String NA = "N/A";

  /**
   * One row (and column) of the matrix.
   *
   * @param device the index of the device in the matrix's device list
   * @param label GPU0, NIC0, ... as printed in the header and the first column
   * @param smi whether nvidia-smi lists this device (GPU# and NIC# rows)
   * @param name the NIC legend's name for NIC# rows (the RDMA device), else the device's name; null
   *     for a NIC whose source does not name its RDMA device
   * @param cpuAffinity GPU rows: the CPUs local to the GPU in list form, or N/A
   * @param numaAffinity GPU rows: the NUMA nodes local to the GPU in list form, or N/A
   * @param gpuNumaId GPU rows: the NUMA node of the GPU's own memory, or N/A
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Row(
      int device,
      String label,
      boolean smi,
      String name,
      String cpuAffinity,
      String numaAffinity,
      String gpuNumaId) {}

  public SmiLayout {
    affinityColumns = List.copyOf(affinityColumns);
    rows = List.copyOf(rows);
  }

  /** The layout of {@code devices} (as {@link P2pAnalyzer#devices()}) on {@code report}'s host. */
  public static SmiLayout of(Report report, List<Device> devices) {
    Map<String, PciFunction> fns = new HashMap<>();
    report.pci().forEach(f -> fns.put(f.bdf(), f));
    Map<String, String> rdmaNames = hardwareRdma(report);
    boolean rdmaUnknown = rdmaUnknown(report);
    List<Integer> gpus = new ArrayList<>();
    List<Integer> nics = new ArrayList<>();
    List<Integer> rest = new ArrayList<>();
    for (int i = 0; i < devices.size(); i++) {
      Device d = devices.get(i);
      PciFunction f = fns.get(d.bdf());
      if (d.rdma() == null && isNvidiaGpu(d, f, report.source())) {
        gpus.add(i);
      } else if (d.rdma() == null
          && (rdmaNames.containsKey(d.bdf()) || (rdmaUnknown && likelyRdma(d, f)))) {
        nics.add(i);
      } else {
        rest.add(i);
      }
    }
    // each order written out as one comparator: Comparator.comparing and thenComparing return
    // lambdas of java.util.Comparator that the agent's class-data archive cannot hold, spun at
    // run time, about 1.5 ms each of a cold topo (issue 11)
    gpus.sort((a, b) -> bdfKey(devices, a).compareTo(bdfKey(devices, b)));
    nics.sort(
        (a, b) -> {
          int byName =
              NaturalOrder.compare(
                  rdmaNames.getOrDefault(devices.get(a).bdf(), ""),
                  rdmaNames.getOrDefault(devices.get(b).bdf(), ""));
          return byName != 0 ? byName : bdfKey(devices, a).compareTo(bdfKey(devices, b));
        });
    List<Row> rows = new ArrayList<>();
    Map<Integer, BitSet> nodes = nodeCpus(report.host());
    Map<BitSet, String> near = new HashMap<>();
    for (int k = 0; k < gpus.size(); k++) {
      Device d = devices.get(gpus.get(k));
      String[] aff = affinity(nodes, near, fns.get(d.bdf()));
      rows.add(new Row(gpus.get(k), "GPU" + k, true, d.name(), aff[0], aff[1], NA));
    }
    for (int k = 0; k < nics.size(); k++) {
      String name = rdmaNames.get(devices.get(nics.get(k)).bdf());
      rows.add(new Row(nics.get(k), "NIC" + k, true, name, null, null, null));
    }
    // grouped by kind; software RDMA devices numbered in name order like NICs (rxe0 is RDMA0)
    List<String> kinds = List.of("ACC", "NVME", "NET", "RDMA");
    rest.sort(
        (a, b) -> {
          Device da = devices.get(a);
          Device db = devices.get(b);
          int byKind =
              Integer.compare(kinds.indexOf(otherPrefix(da)), kinds.indexOf(otherPrefix(db)));
          if (byKind != 0) {
            return byKind;
          }
          int byName =
              NaturalOrder.compare(
                  da.rdma() == null ? "" : da.rdma(), db.rdma() == null ? "" : db.rdma());
          return byName != 0 ? byName : Integer.compare(a, b);
        });
    Map<String, Integer> next = new HashMap<>();
    for (int i : rest) {
      Device d = devices.get(i);
      String prefix = otherPrefix(d);
      int n = next.merge(prefix, 1, Integer::sum) - 1;
      rows.add(new Row(i, prefix + n, false, d.name(), null, null, null));
    }
    return new SmiLayout(AFFINITY_COLUMNS, rows);
  }

  /** The layout of an analyzer's matrix devices. */
  public static SmiLayout of(P2pAnalyzer analyzer) {
    return of(analyzer.fabric().report(), analyzer.devices());
  }

  /** The rows nvidia-smi prints: GPU# then NIC#. */
  public List<Row> smiRows() {
    return rows.stream().filter(Row::smi).toList();
  }

  /**
   * NVIDIA's vendor id and a display or 3D class. NCCL topology files describe NVIDIA GPUs only,
   * and the vendors' curated ones leave the vendor out: there a GPU without vendor is NVIDIA's.
   */
  static boolean isNvidiaGpu(Device d, PciFunction f, String source) {
    if (d.kind() != DeviceKind.GPU || f == null) {
      return false;
    }
    boolean nvidia =
        "0x10de".equalsIgnoreCase(f.vendorId())
            || (f.vendorId() == null && NcclXmlImporter.SOURCE.equals(source));
    if (!nvidia) {
      return false;
    }
    // 0x0300 VGA and 0x0302 3D controller (§6.3); a source without class codes kept the kind
    String cls = f.classCode();
    return cls == null || cls.startsWith("0x0300") || cls.startsWith("0x0302");
  }

  /** Function → the first hardware (or rdmavt) RDMA device on it, in natural name order. */
  private static Map<String, String> hardwareRdma(Report report) {
    Map<String, String> out = new HashMap<>();
    for (RdmaDevice r : report.rdma()) {
      if (r.pciFunction() == null || r.provider() == RdmaDevice.Provider.SOFTWARE) {
        continue;
      }
      out.merge(r.pciFunction(), r.name(), (a, b) -> NaturalOrder.compare(a, b) <= 0 ? a : b);
    }
    return out;
  }

  /**
   * Sysfs discovery reads {@code /sys/class/infiniband}, so its list is the truth, even when empty.
   * An import that lists no RDMA device at all did not see them (pasted lspci text, curated NCCL
   * files with bare {@code pci} nodes, hwloc XML without OpenFabrics devices): there a NIC that is
   * an InfiniBand controller (class 0x0207) or a Mellanox/NVIDIA ConnectX/BlueField (vendor 0x15b3,
   * whose mlx5/mlx4 drivers register an RDMA device per function) stands for its RDMA device, with
   * no name.
   */
  private static boolean rdmaUnknown(Report report) {
    return report.rdma().isEmpty() && !SysfsDiscovery.SOURCE.equals(report.source());
  }

  private static boolean likelyRdma(Device d, PciFunction f) {
    if (f == null || (d.kind() != DeviceKind.NIC && d.kind() != DeviceKind.RDMA)) {
      return false;
    }
    return "0x15b3".equalsIgnoreCase(f.vendorId())
        || (f.classCode() != null && f.classCode().startsWith("0x0207"));
  }

  private static String otherPrefix(Device d) {
    if (d.rdma() != null) {
      return "RDMA";
    }
    return switch (d.kind()) {
      case NVME -> "NVME";
      case NIC, RDMA -> "NET";
      default -> "ACC";
    };
  }

  /**
   * CPU and NUMA affinity as nvidia-smi prints them. The CPUs are the function's {@code
   * local_cpulist} (or its node's CPUs); the nodes are the function's {@code numa_node}, or, when
   * the kernel says -1 (a VM's flat bus: the H200 fixture), every node whose CPUs it is local to,
   * which is how nvidia-smi prints node 0 there. Those nodes are found once per CPU set ({@code
   * near}): the devices of a VM share one or a few sets, and each search reads every node.
   */
  private static String[] affinity(
      Map<Integer, BitSet> nodes, Map<BitSet, String> near, PciFunction f) {
    Integer node = f == null || f.numaNode() == null || f.numaNode() < 0 ? null : f.numaNode();
    BitSet local = f == null ? null : CpuList.parse(f.localCpulist());
    BitSet cpus = (local == null || local.isEmpty()) && node != null ? nodes.get(node) : local;
    String numa = node == null ? null : String.valueOf(node);
    if (numa == null && cpus != null) {
      // not computeIfAbsent: "no node" (null) is an answer to keep too
      if (!near.containsKey(cpus)) {
        near.put(cpus, nearNodes(nodes, cpus));
      }
      numa = near.get(cpus);
    }
    return new String[] {
      cpus == null || cpus.isEmpty() ? NA : CpuList.format(cpus), numa == null ? NA : numa
    };
  }

  /** The nodes {@code cpus} share CPUs with, in list form; null when none. */
  private static String nearNodes(Map<Integer, BitSet> nodes, BitSet cpus) {
    BitSet near = new BitSet();
    nodes.forEach((id, set) -> near.set(id, set.intersects(cpus)));
    return near.isEmpty() ? null : CpuList.format(near);
  }

  /**
   * Every NUMA node's CPUs, read once per layout: a GPU row reads the map, so a host of many GPUs
   * and nodes costs GPUs + nodes list reads, not their product (eleventh security review).
   */
  private static Map<Integer, BitSet> nodeCpus(Host host) {
    Map<Integer, BitSet> nodes = new HashMap<>();
    if (host != null) {
      for (Host.NumaNode n : host.numaNodes()) {
        BitSet cpus = CpuList.parse(n.cpulist());
        if (cpus != null && !cpus.isEmpty()) {
          nodes.put(n.id(), cpus);
        }
      }
    }
    return nodes;
  }

  /** The sort key of the BDF of device {@code i}. */
  private static String bdfKey(List<Device> devices, int i) {
    return Bdf.key(devices.get(i).bdf());
  }
}
