package dev.fabricscope.exporter;

import dev.fabricscope.topology.Host;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.IntSupplier;

/**
 * The normal and memory objects of {@link HwlocXmlExporter}: Machine, one Group per NUMA node that
 * has CPUs (when there are several), NUMANodes, Cores and PUs, laid out the way hwloc 2.x requires
 * when it loads XML (hwloc's {@code hwloc__xml_import_object} and {@code topology.c} insertion):
 *
 * <ul>
 *   <li>normal children in the order of their cpusets' first CPU, else hwloc reports "an
 *       out-of-order XML topology load" (seen on llnl-chimera, whose node 1 holds CPUs 16-23 and
 *       node 2 CPUs 8-15);
 *   <li>a NUMA node without CPUs (memory-only, GPU memory, CXL; prometheus/procfs' tree has two) is
 *       a memory child of the Machine with the Machine's cpuset, as hwloc attaches a CPU-less node
 *       whose locality it cannot tell; a Group with an empty cpuset is an out-of-order load;
 *   <li>{@code local_memory} in bytes where the report knows the node's memory, 0 otherwise.
 * </ul>
 *
 * Host bridges are written by the caller, under the Group of the node their functions are local to,
 * or under the Machine (unknown locality, or a node without CPUs: hwloc places I/O by CPU
 * locality).
 */
final class HwlocMachineWriter {

  /** Writes one NUMA node's host bridges (null: those under the Machine). */
  interface Bridges extends BiConsumer<XmlWriter, Integer> {}

  private final Map<Integer, BitSet> cpus = new TreeMap<>();
  private final Map<Integer, Long> memory = new TreeMap<>();
  private final BitSet all = new BitSet();
  private final IntSupplier gp;

  /** {@code gp} hands out gp_index values, shared with the PCI objects written in between. */
  HwlocMachineWriter(Host host, IntSupplier gp) {
    this.gp = gp;
    for (Host.NumaNode n : host == null ? List.<Host.NumaNode>of() : host.numaNodes()) {
      cpus.put(n.id(), ExportSupport.cpus(n.cpulist()));
      memory.put(n.id(), n.memoryBytes());
      all.or(cpus.get(n.id()));
    }
    if (all.isEmpty()) {
      Integer c = host == null || host.cpu() == null ? null : host.cpu().logicalCpus();
      all.set(0, c == null || c < 1 ? 1 : c); // hwloc needs at least one PU
    }
    if (cpus.isEmpty()) {
      cpus.put(0, (BitSet) all.clone()); // and at least one NUMA node
    }
  }

  /** The NUMA nodes that have CPUs: host bridges local to one of them go below its Group. */
  List<Integer> nodesWithCpus() {
    return cpus.entrySet().stream()
        .filter(e -> !e.getValue().isEmpty())
        .map(Map.Entry::getKey)
        .toList();
  }

  /** The Machine object and all below it; {@code infos} writes the Machine's info elements. */
  void write(XmlWriter w, java.util.function.Consumer<XmlWriter> infos, Bridges bridges) {
    BitSet nodes = new BitSet();
    cpus.keySet().forEach(nodes::set);
    w.start("object", set("Machine", "0", all, nodes));
    infos.accept(w);
    List<Integer> withCpus = nodesWithCpus();
    boolean groups = withCpus.size() > 1;
    // memory children first, as hwloc writes them: single CPU node (no Group) and CPU-less nodes
    for (var e : cpus.entrySet()) {
      if (e.getValue().isEmpty() || !groups) {
        numaNode(w, e.getKey(), all);
      }
    }
    // normal children by first CPU: one Group per node with CPUs, and the PUs of no node
    BitSet placed = new BitSet();
    Map<Integer, Runnable> normal = new TreeMap<>();
    for (int id : withCpus) {
      BitSet own = (BitSet) cpus.get(id).clone();
      own.andNot(placed);
      placed.or(own);
      if (!groups) {
        for (int c = own.nextSetBit(0); c >= 0; c = own.nextSetBit(c + 1)) {
          BitSet one = new BitSet();
          one.set(c);
          normal.put(c, () -> pus(w, one, nodes));
        }
        continue;
      }
      normal.put(
          own.isEmpty() ? Integer.MAX_VALUE - id : own.nextSetBit(0),
          () -> {
            BitSet node = new BitSet();
            node.set(id);
            w.start("object", set("Group", null, cpus.get(id), node));
            numaNode(w, id, cpus.get(id));
            pus(w, own, node);
            bridges.accept(w, id);
            w.end();
          });
    }
    BitSet rest = (BitSet) all.clone();
    rest.andNot(placed);
    for (int c = rest.nextSetBit(0); c >= 0; c = rest.nextSetBit(c + 1)) {
      BitSet one = new BitSet();
      one.set(c);
      normal.put(c, () -> pus(w, one, nodes));
    }
    normal.values().forEach(Runnable::run);
    if (!groups) {
      withCpus.forEach(id -> bridges.accept(w, id));
    }
    bridges.accept(w, null);
    w.end();
  }

  private void numaNode(XmlWriter w, int id, BitSet cpuset) {
    BitSet node = new BitSet();
    node.set(id);
    String[] a = set("NUMANode", String.valueOf(id), cpuset, node);
    String[] out = java.util.Arrays.copyOf(a, a.length + 2);
    Long bytes = memory.get(id);
    out[a.length] = "local_memory";
    out[a.length + 1] = String.valueOf(bytes == null ? 0 : bytes); // 0: not known to the report
    w.empty("object", out);
  }

  private void pus(XmlWriter w, BitSet set, BitSet node) {
    for (int c = set.nextSetBit(0); c >= 0; c = set.nextSetBit(c + 1)) {
      BitSet one = new BitSet();
      one.set(c);
      w.start("object", set("Core", String.valueOf(c), one, node));
      w.empty("object", set("PU", String.valueOf(c), one, node));
      w.end();
    }
  }

  private String[] set(String type, String osIndex, BitSet cpuset, BitSet nodeset) {
    String cs = ExportSupport.mask(cpuset, true);
    String ns = ExportSupport.mask(nodeset, true);
    boolean machine = type.equals("Machine");
    return new String[] { // a null value leaves the attribute out
      "type", type,
      "os_index", osIndex,
      "cpuset", cs,
      "complete_cpuset", cs,
      "allowed_cpuset", machine ? cs : null,
      "nodeset", ns,
      "complete_nodeset", ns,
      "allowed_nodeset", machine ? ns : null,
      "gp_index", String.valueOf(gp.getAsInt())
    };
  }
}
