package dev.fabricscope.graph;

import dev.fabricscope.topology.Gpu;
import dev.fabricscope.topology.NetInterface;
import dev.fabricscope.topology.NvmeController;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.RdmaDevice;
import dev.fabricscope.topology.Report;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the graph's search box finds a PCI function by besides its BDF, name and label (issue 14):
 * the bound driver, the RDMA devices, network interfaces and NVMe controllers on it and the GPU's
 * UUID, all as the report has them.
 */
final class SearchKeys {

  private SearchKeys() {}

  /** BDF → keys, in the order above, without duplicates or blanks. */
  static Map<String, List<String>> of(Report report) {
    Map<String, List<String>> out = new HashMap<>();
    for (PciFunction f : report.pci()) {
      add(out, f.bdf(), f.driver());
    }
    for (RdmaDevice r : report.rdma()) {
      add(out, r.pciFunction(), r.name());
    }
    for (NetInterface n : report.net()) {
      add(out, n.pciFunction(), n.name());
    }
    for (NvmeController n : report.nvme()) {
      add(out, n.pciFunction(), n.name());
    }
    for (Gpu g : report.gpus()) {
      add(out, g.pciFunction(), g.nvml() == null ? null : g.nvml().uuid());
    }
    return out;
  }

  private static void add(Map<String, List<String>> out, String bdf, String key) {
    if (bdf == null || key == null || key.isBlank()) {
      return;
    }
    List<String> l = out.computeIfAbsent(bdf, k -> new ArrayList<>());
    if (!l.contains(key)) {
      l.add(key);
    }
  }
}
