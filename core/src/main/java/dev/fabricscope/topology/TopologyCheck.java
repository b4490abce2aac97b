package dev.fabricscope.topology;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Semantic checks a report must pass beyond its JSON Schema: unique BDFs, parents that exist in the
 * report or are named by a function's path, no parent cycles, VF/PF links that point at functions
 * of the report, bounded counts. Returns every problem found, not only the first.
 */
public final class TopologyCheck {

  /** Bounds that keep one report's cost predictable (a large real host has ~2,000 functions). */
  public static final int MAX_FUNCTIONS = 20_000;

  public static final int MAX_DEVICES = 10_000;
  public static final int MAX_DIAGNOSTICS = 50_000;

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
    for (PciFunction f : r.pci()) {
      Set<String> seen = new HashSet<>();
      String cur = f.bdf();
      while (cur != null) {
        if (!seen.add(cur)) {
          out.add("parent cycle through " + f.bdf());
          break;
        }
        PciFunction p = byBdf.get(cur);
        cur = p == null ? null : p.parent();
      }
      if (out.size() > 100) {
        break;
      }
    }
    for (RdmaDevice d : r.rdma()) {
      if (d.pciFunction() != null && !byBdf.containsKey(d.pciFunction())) {
        out.add("RDMA device " + d.name() + " names " + d.pciFunction() + ", not in the report");
      }
    }
    return out;
  }
}
