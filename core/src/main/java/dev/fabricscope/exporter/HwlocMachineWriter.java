package dev.fabricscope.exporter;

import dev.fabricscope.p2p.CpuList;
import dev.fabricscope.topology.CpuBounds;
import dev.fabricscope.topology.Host;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * The normal and memory objects of {@link HwlocXmlExporter}: Machine, Packages, one Group per NUMA
 * node that no Package matches, NUMANodes, Cores and PUs, laid out the way hwloc 2.x requires when
 * it loads XML (hwloc's {@code hwloc__xml_import_object} and {@code topology.c} insertion) and the
 * way its Linux backend places them:
 *
 * <ul>
 *   <li>normal objects nest by cpuset inclusion; children in the order of their cpusets' first CPU,
 *       else hwloc reports "an out-of-order XML topology load" (seen on llnl-chimera, whose node 1
 *       holds CPUs 16-23 and node 2 CPUs 8-15);
 *   <li>a Package per report package (hwloc's {@code os_index} = {@code physical_package_id}); one
 *       whose CPUs overlap an earlier package's, or that only partly overlaps a NUMA node (no tree
 *       holds both), is left out, as hwloc leaves out an object it cannot insert;
 *   <li>a NUMA node is a memory child of the deepest object whose cpuset holds its CPUs, as hwloc
 *       attaches it: of the Package when the package is the node (32em64t), of the Machine when the
 *       node spans several packages (a 2-socket QEMU guest with one node); where several nodes have
 *       CPUs and no object is exactly a node, a Group is made for it (a package with four nodes,
 *       llnl-corona11). Memory children have their parent's cpuset;
 *   <li>a NUMA node without CPUs (memory-only, GPU memory, CXL; prometheus/procfs' tree has two) is
 *       a memory child of the Machine, as hwloc attaches a CPU-less node whose locality it cannot
 *       tell; a Group with an empty cpuset is an out-of-order load;
 *   <li>nodesets as hwloc propagates them ({@code propagate_nodeset}): the nodes attached to an
 *       object's ancestors, itself and below;
 *   <li>{@code local_memory} in bytes where the report knows the node's memory, 0 otherwise.
 * </ul>
 *
 * Host bridges are written by the caller below the object hwloc would give them for the NUMA node
 * their functions are local to: the highest object with that node's holder's cpuset (hwloc walks up
 * while the parent has the same cpuset); unknown locality, or a node without CPUs, under the
 * Machine (hwloc places I/O by CPU locality).
 */
final class HwlocMachineWriter {

  /** Writes one NUMA node's host bridges (null: those under the Machine). */
  interface Bridges extends BiConsumer<XmlWriter, Integer> {}

  /** A Package or a Group: a normal object between the Machine and the Cores. */
  private static final class Box {
    final String type;
    final Integer osIndex;
    final BitSet cpus;
    Box parent;
    final List<Box> boxes = new ArrayList<>();
    final List<Integer> memory = new ArrayList<>();
    final List<Integer> bridgeNodes = new ArrayList<>();

    Box(String type, Integer osIndex, BitSet cpus) {
      this.type = type;
      this.osIndex = osIndex;
      this.cpus = cpus;
    }

    /** The nodes attached here and below. */
    BitSet below() {
      BitSet out = new BitSet();
      memory.forEach(out::set);
      boxes.forEach(b -> out.or(b.below()));
      return out;
    }
  }

  private final Map<Integer, BitSet> cpus = new TreeMap<>();
  private final Map<Integer, Long> memory = new TreeMap<>();
  private final BitSet all = new BitSet();
  private final Box machine;
  private final Map<Integer, Box> bridgeHolder = new HashMap<>();
  private final IntSupplier gp;

  /** {@code gp} hands out gp_index values, shared with the PCI objects written in between. */
  HwlocMachineWriter(Host host, IntSupplier gp) {
    this.gp = gp;
    BitSet placed = new BitSet();
    for (Host.NumaNode n : host == null ? List.<Host.NumaNode>of() : host.numaNodes()) {
      if (n.id() < 0 || n.id() >= CpuBounds.MAX_NUMA_NODES) {
        continue; // a snapshot stored before the report checks bounded node ids
      }
      BitSet own = CpuList.parseOrEmpty(n.cpulist());
      own.andNot(placed); // a CPU listed by two nodes stays with the first
      placed.or(own);
      cpus.put(n.id(), own);
      memory.put(n.id(), n.memoryBytes());
      all.or(own);
    }
    List<Box> packages = new ArrayList<>();
    BitSet inPackages = new BitSet();
    for (Host.CpuPackage p : host == null ? List.<Host.CpuPackage>of() : host.packages()) {
      BitSet set = CpuList.parseOrEmpty(p.cpulist());
      if (!set.isEmpty() && !set.intersects(inPackages) && laminar(set)) {
        inPackages.or(set);
        packages.add(new Box("Package", p.id(), set));
      }
    }
    all.or(inPackages);
    if (all.isEmpty()) {
      Integer c = host == null || host.cpu() == null ? null : host.cpu().logicalCpus();
      // hwloc needs at least one PU; the report checks bound the count, and so does this
      all.set(0, c == null || c < 1 ? 1 : Math.min(c, CpuBounds.MAX_CPUS));
    }
    if (cpus.isEmpty()) {
      cpus.put(0, (BitSet) all.clone()); // and at least one NUMA node
    }
    machine = new Box("Machine", 0, all);
    packages.forEach(p -> p.parent = machine);
    List<Box> boxes = new ArrayList<>(packages);
    List<Integer> withCpus = nodesWithCpus();
    for (int id : withCpus) {
      BitSet set = cpus.get(id);
      Box holder = deepest(boxes, set);
      if (withCpus.size() > 1 && !holder.cpus.equals(set)) {
        Box g = new Box("Group", null, set);
        g.parent = holder;
        for (Box b : boxes) { // packages inside the node move into its Group
          if (b.parent == holder && contains(set, b.cpus)) {
            b.parent = g;
          }
        }
        boxes.add(g);
        holder = g;
      }
      holder.memory.add(id);
      Box io = holder;
      while (io.parent != null && io.parent.cpus.equals(io.cpus)) {
        io = io.parent;
      }
      io.bridgeNodes.add(id);
    }
    for (var e : cpus.entrySet()) {
      if (e.getValue().isEmpty()) {
        machine.memory.add(0, e.getKey()); // before the nodes with CPUs, in id order
      }
    }
    machine.memory.sort(Integer::compare);
    for (Box b : boxes) {
      b.parent.boxes.add(b);
    }
  }

  /** Whether a package and every node with CPUs are disjoint or one holds the other. */
  private boolean laminar(BitSet set) {
    for (BitSet node : cpus.values()) {
      if (node.intersects(set) && !contains(set, node) && !contains(node, set)) {
        return false;
      }
    }
    return true;
  }

  private static boolean contains(BitSet outer, BitSet inner) {
    BitSet rest = (BitSet) inner.clone();
    rest.andNot(outer);
    return rest.isEmpty();
  }

  /** The smallest box (or the Machine) holding all of {@code set}. */
  private Box deepest(List<Box> boxes, BitSet set) {
    Box best = machine;
    for (Box b : boxes) {
      if (contains(b.cpus, set) && b.cpus.cardinality() <= best.cpus.cardinality()) {
        best = b;
      }
    }
    return best;
  }

  /** The NUMA nodes that have CPUs: host bridges local to one of them go below its holder. */
  List<Integer> nodesWithCpus() {
    return cpus.entrySet().stream()
        .filter(e -> !e.getValue().isEmpty())
        .map(Map.Entry::getKey)
        .toList();
  }

  /** The Machine object and all below it; {@code infos} writes the Machine's info elements. */
  void write(XmlWriter w, Consumer<XmlWriter> infos, Bridges bridges) {
    BitSet nodes = new BitSet();
    cpus.keySet().forEach(nodes::set);
    w.start("object", set("Machine", "0", all, nodes));
    infos.accept(w);
    body(w, machine, new BitSet(), bridges);
    bridges.accept(w, null);
    w.end();
  }

  /** Memory children, then normal children by first CPU, then this box's host bridges. */
  private void body(XmlWriter w, Box box, BitSet inherited, Bridges bridges) {
    BitSet here = (BitSet) inherited.clone();
    box.memory.forEach(here::set);
    for (int id : box.memory) {
      numaNode(w, id, box.cpus);
    }
    Map<Integer, Runnable> normal = new TreeMap<>();
    BitSet rest = (BitSet) box.cpus.clone();
    for (Box b : box.boxes) {
      rest.andNot(b.cpus);
      normal.put(b.cpus.nextSetBit(0), () -> box(w, b, here, bridges));
    }
    for (int c = rest.nextSetBit(0); c >= 0; c = rest.nextSetBit(c + 1)) {
      int cpu = c;
      normal.put(c, () -> core(w, cpu, here));
    }
    normal.values().forEach(Runnable::run);
    for (int id : box.bridgeNodes) {
      bridges.accept(w, id);
    }
  }

  private void box(XmlWriter w, Box b, BitSet inherited, Bridges bridges) {
    BitSet nodeset = (BitSet) inherited.clone();
    nodeset.or(b.below());
    w.start(
        "object",
        set(b.type, b.osIndex == null ? null : String.valueOf(b.osIndex), b.cpus, nodeset));
    body(w, b, inherited, bridges);
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

  private void core(XmlWriter w, int c, BitSet nodeset) {
    BitSet one = new BitSet();
    one.set(c);
    w.start("object", set("Core", String.valueOf(c), one, nodeset));
    w.empty("object", set("PU", String.valueOf(c), one, nodeset));
    w.end();
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
