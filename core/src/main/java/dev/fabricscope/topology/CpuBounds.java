package dev.fabricscope.topology;

import java.util.List;

/**
 * Bounds on the CPU and NUMA numbers a report may hold (eleventh security review, finding 1). The
 * hwloc export writes a core and a PU object per CPU, each with masks as wide as the CPU's number,
 * and a NUMA node's nodeset as wide as its id; unbounded, one report of a node listing 32,768 CPUs,
 * or of node 2,147,483,647, made a viewer's export exhaust the server's heap. The bounds are above
 * what Linux can number:
 *
 * <ul>
 *   <li>CPU numbers below {@link #MAX_CPUS}: Linux's {@code NR_CPUS} is at most 8,192 on x86-64
 *       ({@code MAXSMP}) and 4,096 on arm64; twice the first is allowed;
 *   <li>NUMA node numbers below {@link #MAX_NUMA_NODES}: {@code MAX_NUMNODES} is {@code 1 <<
 *       CONFIG_NODES_SHIFT}, and {@code NODES_SHIFT} is at most 10.
 * </ul>
 *
 * Checked on every report, whatever its source: agent reports, imports and the CLI's inputs.
 */
public final class CpuBounds {

  /** CPU numbers (list format, {@code logicalCpus}) stay below this: 16,384. */
  public static final int MAX_CPUS = 16_384;

  /**
   * NUMA node numbers stay below this, and a host lists at most this many nodes, and at most this
   * many CPU packages (sockets; the largest real machines have a few dozen): 1,024.
   */
  public static final int MAX_NUMA_NODES = 1_024;

  private CpuBounds() {}

  /**
   * Adds the report's numbers past the bounds to {@code out}; it stops adding once {@code out}
   * holds 100 problems.
   */
  static void problems(Report r, List<String> out) {
    Host h = r.host();
    if (h != null) {
      if (h.cpu() != null && h.cpu().logicalCpus() != null) {
        int n = h.cpu().logicalCpus();
        if (n < 0 || n > MAX_CPUS) {
          out.add("host.cpu.logicalCpus " + n + " is not 0 to " + MAX_CPUS);
        }
      }
      if (h.numaNodes().size() > MAX_NUMA_NODES) {
        out.add("too many NUMA nodes: " + h.numaNodes().size() + " > " + MAX_NUMA_NODES);
        return;
      }
      for (Host.NumaNode node : h.numaNodes()) {
        node("NUMA node", node.id(), out);
        cpus("NUMA node " + node.id() + " cpulist", node.cpulist(), out);
      }
      if (h.packages().size() > MAX_NUMA_NODES) {
        // the hwloc export nests packages and nodes by their CPU sets, packages × nodes
        out.add("too many CPU packages: " + h.packages().size() + " > " + MAX_NUMA_NODES);
        return;
      }
      for (Host.CpuPackage p : h.packages()) {
        cpus("package " + p.id() + " cpulist", p.cpulist(), out);
      }
    }
    for (PciFunction f : r.pci()) {
      node(f.bdf() + " numaNode", f.numaNode(), out);
      cpus(f.bdf() + " localCpulist", f.localCpulist(), out);
    }
    for (Gpu g : r.gpus()) {
      node("GPU " + g.pciFunction() + " numaNode", g.numaNode(), out);
      if (g.nvml() != null) {
        node("GPU " + g.pciFunction() + " nvml.numaNode", g.nvml().numaNode(), out);
      }
    }
  }

  private static void node(String what, Integer id, List<String> out) {
    // -1 is the kernel's "no node" (numa_node of a function on a machine without NUMA)
    if (id != null && id >= MAX_NUMA_NODES && out.size() < 100) {
      out.add(what + " " + id + " is not below " + MAX_NUMA_NODES);
    }
  }

  private static void cpus(String what, String list, List<String> out) {
    long highest = highest(list);
    if (highest >= MAX_CPUS && out.size() < 100) {
      out.add(what + " names CPU " + highest + ", not below " + MAX_CPUS);
    }
  }

  /**
   * The highest number in a CPU list ({@code 0-7,16-23}), -1 when it holds none; digits are read
   * without building a set, so a list of any length costs one pass. A number too long for a long
   * counts as {@link Long#MAX_VALUE}. Garbage between numbers is not judged here: the readers treat
   * such a list as empty.
   */
  public static long highest(String list) {
    if (list == null) {
      return -1;
    }
    long highest = -1;
    long v = -1;
    for (int i = 0; i <= list.length(); i++) {
      char c = i < list.length() ? list.charAt(i) : ',';
      if (c >= '0' && c <= '9') {
        int d = c - '0';
        v = v < 0 ? d : v > (Long.MAX_VALUE - d) / 10 ? Long.MAX_VALUE : v * 10 + d;
      } else {
        highest = Math.max(highest, v);
        v = -1;
      }
    }
    return highest;
  }
}
