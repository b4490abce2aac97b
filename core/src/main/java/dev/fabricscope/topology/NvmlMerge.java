package dev.fabricscope.topology;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Puts the driver's answers (NVML) into a discovered report: each GPU the driver knows gets its
 * {@link NvmlGpu} (and {@code sm} where sysfs could not tell it), the NVLinks the driver reports up
 * become the report's {@link NvLink}s (the NV# labels of p2p-rules.md §4.1 then come from the
 * driver on live hosts), and what did not fit is a diagnostic: NVML absent (the capability "nvml:
 * absent", never a failure), or a GPU the driver knows at a bus id the tree does not have.
 */
public final class NvmlMerge {

  /** The diagnostic path of NVML's answers. */
  public static final String PATH = "nvml";

  private NvmlMerge() {}

  /**
   * The report with the driver's answers.
   *
   * @param gpus NVML's GPUs by BDF, in the driver's order
   * @param absent why NVML did not answer (then {@code gpus} is empty), or null
   */
  public static Report apply(Report r, Map<String, NvmlGpu> gpus, String absent) {
    List<Diagnostic> diagnostics = new ArrayList<>(r.diagnostics());
    if (absent != null) {
      diagnostics.add(new Diagnostic(PATH, "nvml: absent (" + absent + ")"));
      return copy(r, r.gpus(), r.nvlinks(), diagnostics);
    }
    List<Gpu> merged = new ArrayList<>();
    Set<String> known = new java.util.HashSet<>();
    for (Gpu g : r.gpus()) {
      NvmlGpu n = gpus.get(g.pciFunction());
      merged.add(n == null ? g : g.withNvml(n));
      if (n != null) {
        known.add(g.pciFunction());
      }
    }
    for (String bdf : gpus.keySet()) {
      if (!known.contains(bdf)) {
        diagnostics.add(
            new Diagnostic(
                PATH, "the driver knows a GPU at " + bdf + " that the PCI tree does not have"));
      }
    }
    List<NvLink> links = gpus.isEmpty() ? r.nvlinks() : nvlinks(gpus, r.nvlinks());
    return copy(r, merged, links, diagnostics);
  }

  /**
   * The driver's NVLinks, one bond per (GPU, peer) with its count of active links; a GPU–GPU bond
   * once (both GPUs report it). Links another source reported stay when the driver reports none.
   */
  static List<NvLink> nvlinks(Map<String, NvmlGpu> gpus, List<NvLink> before) {
    Map<List<String>, Integer> bonds = new LinkedHashMap<>();
    for (Map.Entry<String, NvmlGpu> e : gpus.entrySet()) {
      for (NvmlLink l : e.getValue().nvlinks()) {
        if (!l.active() || l.remoteBusId() == null) {
          continue;
        }
        String a = e.getKey();
        String b = l.remoteBusId();
        boolean gpuPeer = gpus.containsKey(b);
        if (gpuPeer && a.compareTo(b) > 0) {
          continue; // counted from the other GPU
        }
        bonds.merge(List.of(a, b), 1, Integer::sum);
      }
    }
    if (bonds.isEmpty()) {
      return before;
    }
    List<NvLink> out = new ArrayList<>();
    bonds.forEach((pair, count) -> out.add(new NvLink(pair.get(0), pair.get(1), count, null)));
    return out;
  }

  private static Report copy(
      Report r, List<Gpu> gpus, List<NvLink> nvlinks, List<Diagnostic> diagnostics) {
    return new Report(
        r.schemaVersion(),
        r.source(),
        r.host(),
        r.pci(),
        r.rdma(),
        r.net(),
        r.nvme(),
        gpus,
        nvlinks,
        diagnostics);
  }
}
