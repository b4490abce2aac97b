package dev.fabricscope.p2p;

import dev.fabricscope.topology.Report;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Renders a {@link P2pMatrix} as text. First exactly what {@code nvidia-smi topo -m} prints
 * (p2p-rules.md §4.1): the GPU# and NIC# rows of {@link SmiLayout} with the {@code CPU Affinity},
 * {@code NUMA Affinity} and {@code GPU NUMA ID} columns, its Legend and its NIC Legend, tab for tab
 * as the driver writes them, so the two can be diffed. Then what nvidia-smi does not show: the
 * devices it does not list (NVMe, accelerators, NICs without RDMA), the kernel's P2PDMA verdict for
 * every pair (§2) and a legend naming every label's device.
 */
public final class TopoText {

  private TopoText() {}

  /** The kernel verdict in a cell: BUS4, THB4, NS; a trailing ? marks a provisional one. */
  static String kernelCell(KernelVerdict k) {
    String s =
        switch (k.mapType()) {
          case BUS_ADDR -> "BUS" + k.distance();
          case THRU_HOST_BRIDGE -> "THB" + k.distance();
          case NOT_SUPPORTED -> "NS";
        };
    return k.provisional() ? s + "?" : s;
  }

  /** The whole text of {@code topo} for a matrix of {@code report}'s host. */
  public static String render(P2pMatrix m, Report report) {
    return render(m, SmiLayout.of(report, m.devices()));
  }

  /** The whole text of {@code topo} for a matrix of {@code layout}'s devices. */
  public static String render(P2pMatrix m, SmiLayout layout) {
    List<Device> devices = m.devices();
    Map<String, PairVerdict> byPair = new HashMap<>();
    for (PairVerdict p : m.pairs()) {
      byPair.put(key(p.a(), p.aRdma(), p.b(), p.bRdma()), p);
      byPair.put(key(p.b(), p.bRdma(), p.a(), p.aRdma()), p);
    }
    BiFunction<Integer, Integer, PairVerdict> pair =
        (i, j) -> {
          Device a = devices.get(i);
          Device b = devices.get(j);
          return byPair.get(key(a.bdf(), a.rdma(), b.bdf(), b.rdma()));
        };
    StringBuilder sb = new StringBuilder();
    nvidiaSmi(sb, layout, pair);
    List<SmiLayout.Row> all = layout.rows();
    if (all.size() > layout.smiRows().size()) {
      sb.append("\nWith the devices nvidia-smi does not list (same labels):\n");
      matrix(sb, all, (i, j) -> pair.apply(i, j).nvidia().toString());
    }
    sb.append("\nKernel P2PDMA (drivers/pci/p2pdma.c) for the same pairs:\n");
    matrix(sb, all, (i, j) -> kernelCell(pair.apply(i, j).kernel()));
    sb.append(KERNEL_LEGEND);
    driver(sb, all, pair);
    sb.append("\nDevice Legend:\n\n");
    for (SmiLayout.Row r : all) {
      Device d = devices.get(r.device());
      sb.append("  ").append(r.label()).append(": ").append(d.name()).append(" (").append(d.bdf());
      sb.append(d.rdma() == null ? "" : ", software RDMA").append(")\n");
    }
    return sb.toString();
  }

  /** The part nvidia-smi prints, in its format: header, rows, Legend, NIC Legend. */
  static void nvidiaSmi(
      StringBuilder sb, SmiLayout layout, BiFunction<Integer, Integer, PairVerdict> pair) {
    List<SmiLayout.Row> rows = layout.smiRows();
    if (rows.isEmpty()) {
      sb.append("nvidia-smi lists no device here: no NVIDIA GPU and no RDMA NIC\n");
      return;
    }
    for (SmiLayout.Row r : rows) {
      sb.append('\t').append(r.label());
    }
    for (String h : layout.affinityColumns()) {
      sb.append('\t').append(h);
    }
    sb.append('\n');
    for (SmiLayout.Row a : rows) {
      sb.append(a.label());
      for (SmiLayout.Row b : rows) {
        // nvidia-smi pads the diagonal to " X "
        sb.append('\t')
            .append(a == b ? " X " : pair.apply(a.device(), b.device()).nvidia().toString());
      }
      if (a.cpuAffinity() != null) {
        // the driver writes two tabs before GPU NUMA ID (h200-passthrough.nvidia-smi-topo-m.txt)
        sb.append('\t').append(a.cpuAffinity()).append('\t').append(a.numaAffinity());
        sb.append("\t\t").append(a.gpuNumaId());
      }
      sb.append('\n');
    }
    sb.append(SMI_LEGEND);
    List<SmiLayout.Row> nics = rows.stream().filter(r -> r.label().startsWith("NIC")).toList();
    if (!nics.isEmpty()) {
      sb.append("\nNIC Legend:\n\n");
      for (SmiLayout.Row r : nics) {
        sb.append("  ").append(r.label()).append(": ");
        // one token, as nvidia-smi's names are; the Device Legend below gives the function
        sb.append(r.name() == null ? UNNAMED : r.name());
        sb.append('\n');
      }
    }
  }

  /**
   * The driver's P2P answers (NVML) for the GPUs it was asked about, as {@code nvidia-smi topo -p2p
   * rw} prints them; nothing when no pair has one (imports, hosts without the driver).
   */
  static void driver(
      StringBuilder sb, List<SmiLayout.Row> rows, BiFunction<Integer, Integer, PairVerdict> pair) {
    List<SmiLayout.Row> gpus = new java.util.ArrayList<>();
    for (SmiLayout.Row a : rows) {
      for (SmiLayout.Row b : rows) {
        if (a != b && pair.apply(a.device(), b.device()).driver() != null) {
          gpus.add(a);
          break;
        }
      }
    }
    if (gpus.size() < 2) {
      return;
    }
    sb.append("\nDriver P2P (NVML, as nvidia-smi topo -p2p rw) for the same GPUs:\n");
    matrix(
        sb,
        gpus,
        (i, j) -> {
          DriverVerdict d = pair.apply(i, j).driver();
          return (d == null ? DriverVerdict.Label.U : d.label()).toString();
        });
    sb.append(DRIVER_LEGEND);
  }

  private static void matrix(
      StringBuilder sb, List<SmiLayout.Row> rows, BiFunction<Integer, Integer, String> cell) {
    for (SmiLayout.Row r : rows) {
      sb.append('\t').append(r.label());
    }
    sb.append('\n');
    for (SmiLayout.Row a : rows) {
      sb.append(a.label());
      for (SmiLayout.Row b : rows) {
        sb.append('\t').append(a == b ? " X " : cell.apply(a.device(), b.device()));
      }
      sb.append('\n');
    }
  }

  private static String key(String a, String ar, String b, String br) {
    return a + "/" + ar + "|" + b + "/" + br;
  }

  /** The NIC legend's name for a NIC whose source does not name its RDMA device. */
  public static final String UNNAMED = "(unnamed)";

  /** nvidia-smi's legend, word for word as driver 580 prints it (§4.1). */
  static final String SMI_LEGEND =
      """

      Legend:

        X    = Self
        SYS  = Connection traversing PCIe as well as the SMP interconnect between NUMA nodes (e.g., QPI/UPI)
        NODE = Connection traversing PCIe as well as the interconnect between PCIe Host Bridges within a NUMA node
        PHB  = Connection traversing PCIe as well as a PCIe Host Bridge (typically the CPU)
        PXB  = Connection traversing multiple PCIe bridges (without traversing the PCIe Host Bridge)
        PIX  = Connection traversing at most a single PCIe bridge
        NV#  = Connection traversing a bonded set of # NVLinks
      """;

  /** nvidia-smi's legend of {@code topo -p2p}. */
  static final String DRIVER_LEGEND =
      """

      Driver legend:

        X    = Self
        OK   = Status Ok
        CNS  = Chipset not supported
        GNS  = GPU not supported
        TNS  = Topology not supported
        NS   = Not supported
        U    = Unknown
      """;

  static final String KERNEL_LEGEND =
      """

      Kernel legend:

        BUS# = kernel P2PDMA BUS_ADDR at distance #: peer traffic stays below a common bridge
        THB# = kernel P2PDMA THRU_HOST_BRIDGE at distance #: through an allowed host bridge
        NS   = kernel P2PDMA NOT_SUPPORTED: the kernel refuses P2P memory for this pair
        ?    = provisional: ACS or the root-bus representative was unknown (see explain)
      """;
}
