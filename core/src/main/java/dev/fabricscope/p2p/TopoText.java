package dev.fabricscope.p2p;

import dev.fabricscope.topology.DeviceKind;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.Report;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a {@link P2pMatrix} as text: first the matrix in the layout of {@code nvidia-smi topo -m}
 * (GPU0.., NIC0.., then NVMe and accelerators, with CPU and NUMA affinity), then the same devices
 * with the kernel's P2PDMA verdicts, then the legends.
 */
public final class TopoText {

  private TopoText() {}

  /** Short labels in nvidia-smi's style: GPU0, NIC0, NVME0, ACC0. */
  public static List<String> labels(List<Device> devices) {
    Map<String, Integer> next = new HashMap<>();
    List<String> out = new ArrayList<>();
    for (Device d : devices) {
      String prefix =
          switch (d.kind()) {
            case GPU -> "GPU";
            case NIC, RDMA -> "NIC";
            case NVME -> "NVME";
            default -> "ACC";
          };
      int n = next.merge(prefix, 1, Integer::sum) - 1;
      out.add(prefix + n);
    }
    return out;
  }

  /** The kernel verdict in a cell: BUS4, THB4, NS; a trailing ? marks a provisional one. */
  static String kernelCell(KernelVerdict k) {
    String s =
        switch (k.mapType()) {
          case KernelVerdict.BUS_ADDR -> "BUS" + k.distance();
          case KernelVerdict.THRU_HOST_BRIDGE -> "THB" + k.distance();
          default -> "NS";
        };
    return k.provisional() ? s + "?" : s;
  }

  public static String render(P2pMatrix m, Report report) {
    List<Device> devices = m.devices();
    List<String> labels = labels(devices);
    Map<String, PairVerdict> byPair = new HashMap<>();
    for (PairVerdict p : m.pairs()) {
      byPair.put(key(p.a(), p.aRdma(), p.b(), p.bRdma()), p);
      byPair.put(key(p.b(), p.bRdma(), p.a(), p.aRdma()), p);
    }
    Map<String, PciFunction> fns = new HashMap<>();
    report.pci().forEach(f -> fns.put(f.bdf(), f));
    StringBuilder sb = new StringBuilder();
    header(sb, labels, "CPU Affinity\tNUMA Affinity");
    for (int i = 0; i < devices.size(); i++) {
      sb.append(labels.get(i));
      for (int j = 0; j < devices.size(); j++) {
        PairVerdict p = pair(byPair, devices.get(i), devices.get(j));
        sb.append('\t').append(i == j ? " X" : p.nvidia());
      }
      PciFunction f = fns.get(devices.get(i).bdf());
      if (devices.get(i).kind() == DeviceKind.GPU && f != null) {
        sb.append('\t').append(f.localCpulist() == null ? "N/A" : f.localCpulist());
        sb.append('\t').append(f.numaNode() == null ? "N/A" : f.numaNode());
      }
      sb.append('\n');
    }
    sb.append("\nKernel P2PDMA (drivers/pci/p2pdma.c) for the same pairs:\n");
    header(sb, labels, "");
    for (int i = 0; i < devices.size(); i++) {
      sb.append(labels.get(i));
      for (int j = 0; j < devices.size(); j++) {
        PairVerdict p = pair(byPair, devices.get(i), devices.get(j));
        sb.append('\t').append(i == j ? " X" : kernelCell(p.kernel()));
      }
      sb.append('\n');
    }
    sb.append(LEGEND);
    sb.append("\nDevice Legend:\n\n");
    for (int i = 0; i < devices.size(); i++) {
      Device d = devices.get(i);
      sb.append("  ")
          .append(labels.get(i))
          .append(": ")
          .append(d.name())
          .append(" (")
          .append(d.bdf())
          .append(d.rdma() == null ? "" : ", software RDMA")
          .append(")\n");
    }
    return sb.toString();
  }

  private static PairVerdict pair(Map<String, PairVerdict> byPair, Device a, Device b) {
    return byPair.get(key(a.bdf(), a.rdma(), b.bdf(), b.rdma()));
  }

  private static String key(String a, String ar, String b, String br) {
    return a + "/" + ar + "|" + b + "/" + br;
  }

  private static void header(StringBuilder sb, List<String> labels, String tail) {
    for (String l : labels) {
      sb.append('\t').append(l);
    }
    if (!tail.isEmpty()) {
      sb.append('\t').append(tail);
    }
    sb.append('\n');
  }

  static final String LEGEND =
      """

      Legend:

        X    = Self
        SYS  = Connection traversing PCIe as well as the SMP interconnect between NUMA nodes (e.g., QPI/UPI)
        NODE = Connection traversing PCIe as well as the interconnect between PCIe Host Bridges within a NUMA node
        PHB  = Connection traversing PCIe as well as a PCIe Host Bridge (typically the CPU)
        PXB  = Connection traversing multiple PCIe bridges (without traversing the PCIe Host Bridge)
        PIX  = Connection traversing at most a single PCIe bridge
        NV#  = Connection traversing a bonded set of # NVLinks

        BUS# = kernel P2PDMA BUS_ADDR at distance #: peer traffic stays below a common bridge
        THB# = kernel P2PDMA THRU_HOST_BRIDGE at distance #: through an allowed host bridge
        NS   = kernel P2PDMA NOT_SUPPORTED: the kernel refuses P2P memory for this pair
        ?    = provisional: ACS or the root-bus representative was unknown (see explain)
      """;
}
