package dev.fabricscope.planner;

import dev.fabricscope.exporter.NcclXmlExporter;
import dev.fabricscope.topology.DeviceKind;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.Report;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The NCCL topology XML of a pairing: the host's file ({@link NcclXmlExporter}, p2p-rules.md §4.8)
 * with every network function the pairing did not choose left out, so that NCCL, given it as {@code
 * NCCL_TOPO_FILE}, sees the GPUs and exactly the NICs the planner paired them with — the same
 * choice {@code NCCL_IB_HCA} makes by name, here as topology NCCL ranks by itself.
 */
public final class PairingTopology {

  private PairingTopology() {}

  /** The XML for {@code pairing}, one of {@code report}'s. */
  public static String ncclXml(Report report, List<GpuPairing> pairing) {
    Set<String> chosen = new HashSet<>();
    pairing.forEach(p -> chosen.add(p.nic()));
    Set<String> left = new HashSet<>();
    for (PciFunction f : report.pci()) {
      boolean network = f.kind() == DeviceKind.NIC || f.kind() == DeviceKind.RDMA;
      if (network && !chosen.contains(f.bdf())) {
        left.add(f.bdf());
      }
    }
    return NcclXmlExporter.write(report, left);
  }
}
