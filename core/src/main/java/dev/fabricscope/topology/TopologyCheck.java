package dev.fabricscope.topology;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Semantic checks a report must pass beyond its JSON Schema: unique BDFs, parents that exist in the
 * report or are named by a function's path, no parent cycles, VF/PF links and the PCI functions of
 * RDMA devices, GPUs and NVMe controllers that point at functions of the report, bounded counts, a
 * bounded depth and bounded CPU and NUMA numbers ({@link CpuBounds}). A network interface may name
 * a function its tree lacks (real gathered trees do: {@code procfs-fixtures}), and an NVLink an
 * NVSwitch that NCCL's topology XML names only as a link's target. Returns every problem found, not
 * only the first.
 */
public final class TopologyCheck {

  /** Bounds that keep one report's cost predictable (a large real host has ~2,000 functions). */
  public static final int MAX_FUNCTIONS = 20_000;

  public static final int MAX_DEVICES = 10_000;
  public static final int MAX_DIAGNOSTICS = 50_000;

  /**
   * The most functions above any function, its parent and theirs. Bus numbers are 8 bits (PCIe Base
   * Specification, type 1 configuration header), so every bridge of a chain in one PCI segment owns
   * one of at most 256 secondary buses; twice that allows a chain that continues into a second
   * segment behind a VMD or similar bridge. Real hosts are under 20 deep (the fixtures). Beyond
   * this a report is refused, before anything that walks the tree recursively (the exporters, the
   * path model) or per function (this check) meets it.
   */
  public static final int MAX_DEPTH = 512;

  /** Depth of a function marked while its ancestry is being walked (a cycle when met again). */
  private static final int WALKING = -1;

  /** Depth of a function in or under a cycle, or deeper than {@link #MAX_DEPTH}: reported once. */
  private static final int BROKEN = -2;

  private TopologyCheck() {}

  /** The problems of a report; empty when it is sound. */
  public static List<String> problems(Report r) {
    List<String> out = new ArrayList<>();
    if (r.schemaVersion() != Report.SCHEMA_VERSION) {
      out.add("schemaVersion " + r.schemaVersion() + " is not supported (expected 1)");
    }
    if (r.pci().size() > MAX_FUNCTIONS) {
      out.add("too many PCI functions: " + r.pci().size() + " > " + MAX_FUNCTIONS);
      return out;
    }
    for (List<?> l : List.of(r.rdma(), r.net(), r.nvme(), r.gpus(), r.nvlinks())) {
      if (l.size() > MAX_DEVICES) {
        out.add("too many devices in one list: " + l.size() + " > " + MAX_DEVICES);
        return out;
      }
    }
    if (r.diagnostics().size() > MAX_DIAGNOSTICS) {
      out.add("too many diagnostics: " + r.diagnostics().size());
    }
    Map<String, PciFunction> byBdf = new HashMap<>();
    for (PciFunction f : r.pci()) {
      if (byBdf.put(f.bdf(), f) != null) {
        out.add("duplicate BDF " + f.bdf());
      }
    }
    for (PciFunction f : r.pci()) {
      if (f.parent() != null && f.parent().equals(f.bdf())) {
        out.add(f.bdf() + " is its own parent");
      } else if (f.parent() != null && !byBdf.containsKey(f.parent())) {
        out.add(f.bdf() + ": parent " + f.parent() + " is not in the report");
      }
      if (f.sriov() != null
          && f.sriov().physfn() != null
          && !byBdf.containsKey(f.sriov().physfn())) {
        out.add(f.bdf() + ": physfn " + f.sriov().physfn() + " is not in the report");
      }
    }
    ancestry(r, byBdf, out);
    CpuBounds.problems(r, out);
    for (RdmaDevice d : r.rdma()) {
      refersTo(byBdf, "RDMA device " + d.name(), d.pciFunction(), out);
    }
    // the planner and the path model look these functions up; one that is not there was a 500
    for (Gpu g : r.gpus()) {
      refersTo(byBdf, "GPU", g.pciFunction(), out);
    }
    for (NvmeController n : r.nvme()) {
      refersTo(byBdf, "NVMe controller " + n.name(), n.pciFunction(), out);
    }
    return out;
  }

  private static void refersTo(
      Map<String, PciFunction> byBdf, String what, String bdf, List<String> out) {
    if (bdf != null && !byBdf.containsKey(bdf) && out.size() <= 100) {
      out.add(what + " names " + bdf + ", not in the report");
    }
  }

  /**
   * Parent cycles and chains deeper than {@link #MAX_DEPTH}, each function's ancestry walked once
   * (its depth remembered), so a hostile report of 20,000 functions in one chain costs 20,000
   * steps, not 20,000²/2.
   */
  private static void ancestry(Report r, Map<String, PciFunction> byBdf, List<String> out) {
    Map<String, Integer> depth = new HashMap<>();
    List<String> path = new ArrayList<>();
    for (PciFunction f : r.pci()) {
      path.clear();
      String cur = f.bdf();
      int known = 0; // depth of the function above the walked path; 0 above a root
      while (cur != null) {
        Integer d = depth.get(cur);
        if (d != null) {
          known = d == WALKING ? BROKEN : d;
          if (d == WALKING && out.size() <= 100) {
            out.add("parent cycle through " + f.bdf());
          }
          break;
        }
        depth.put(cur, WALKING);
        path.add(cur);
        PciFunction p = byBdf.get(cur);
        cur = p == null ? null : p.parent();
      }
      for (int i = path.size() - 1; i >= 0; i--) {
        if (known != BROKEN) {
          known++;
          if (known > MAX_DEPTH) {
            known = BROKEN;
            if (out.size() <= 100) {
              out.add("PCI chain deeper than " + MAX_DEPTH + " functions above " + path.get(i));
            }
          }
        }
        depth.put(path.get(i), known);
      }
    }
  }
}
