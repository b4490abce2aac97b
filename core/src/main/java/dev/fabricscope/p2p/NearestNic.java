package dev.fabricscope.p2p;

import dev.fabricscope.path.Paths;
import dev.fabricscope.path.Upstream;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Each GPU's nearest hardware RDMA NIC by nvidia-smi's PCIe label (p2p-rules.md §4.1), for {@link
 * FleetFindings#GPU_WITHOUT_CLOSE_NIC}, in O((GPUs + NICs) × depth) instead of one label per GPU
 * and NIC: the findings have no device cap, and a report of thousands of GPUs and NICs made that
 * product hundreds of millions of labels (fifth security review).
 *
 * <p>It reads the label's own inputs ({@link
 * NvidiaSmiRules#pcieLabel(dev.fabricscope.path.Meeting)} over {@link Paths#meet}): two chains that
 * share a node meet below the host bridge, PIX or PXB, which is "close"; otherwise the label is PHB
 * for the same root bus (or, with a root bus unknown, the same NUMA node), NODE for another root
 * bus of the same NUMA node, else SYS. So a GPU is close when its chain shares a node with any
 * NIC's chain, and otherwise its best label follows from the NICs' root buses and NUMA nodes,
 * collected once. {@code ManyNvmlGpusTest} checks it against a label per pair.
 */
final class NearestNic {

  private final FastMatrix matrix;
  private final List<Integer> nics;
  private final Paths paths;
  private final Set<String> nicBdfs = new HashSet<>();
  // every function on a NIC's upstream chain, the NIC's own included
  private final Set<String> onNicChains = new HashSet<>();
  private final Set<Integer> hostBridgeIds = new HashSet<>();
  private final Set<Integer> numasWithoutHostBridge = new HashSet<>();
  private final Set<Integer> numas = new HashSet<>();
  private final Map<Integer, Set<Integer>> knownHostBridgesByNuma = new HashMap<>();

  /**
   * @param matrix the host's matrix
   * @param nics indexes of the hardware RDMA NICs in {@link FastMatrix#devices()}
   */
  NearestNic(FastMatrix matrix, List<Integer> nics) {
    this.matrix = matrix;
    this.nics = nics;
    this.paths = matrix.fabric().paths();
    for (int i : nics) {
      String bdf = matrix.devices().get(i).bdf();
      nicBdfs.add(bdf);
      onNicChains.addAll(matrix.fabric().chain(bdf));
      Upstream u = paths.upstream(bdf);
      int numa = numa(u);
      hostBridgeIds.add(u.hostBridgeId());
      numas.add(numa);
      if (u.hostBridge() == null) {
        numasWithoutHostBridge.add(numa);
      } else {
        knownHostBridgesByNuma.computeIfAbsent(numa, k -> new HashSet<>()).add(u.hostBridgeId());
      }
    }
  }

  /**
   * The best label among the GPU's pairs with every NIC, PHB before NODE before SYS; null when a
   * NIC is at PIX or PXB.
   */
  SmiLabel nearest(int gpu) {
    String bdf = matrix.devices().get(gpu).bdf();
    if (nicBdfs.contains(bdf)) {
      // a GPU and a NIC with one BDF (only a broken report has that): label by label, in order
      return pairByPair(gpu);
    }
    for (String node : matrix.fabric().chain(bdf)) {
      if (onNicChains.contains(node)) {
        return null;
      }
    }
    Upstream g = paths.upstream(bdf);
    int numa = numa(g);
    if (g.hostBridge() == null) {
      // no root bus on one side: NUMA alone separates PHB from SYS
      return numas.contains(numa) ? SmiLabel.PHB : SmiLabel.SYS;
    }
    if (hostBridgeIds.contains(g.hostBridgeId()) || numasWithoutHostBridge.contains(numa)) {
      return SmiLabel.PHB;
    }
    Set<Integer> sameNuma = knownHostBridgesByNuma.getOrDefault(numa, Set.of());
    boolean otherBridge = sameNuma.size() > 1 || !sameNuma.contains(g.hostBridgeId());
    return !sameNuma.isEmpty() && otherBridge ? SmiLabel.NODE : SmiLabel.SYS;
  }

  private SmiLabel pairByPair(int gpu) {
    SmiLabel best = null;
    for (int n : nics) {
      SmiLabel label = matrix.cell(gpu, n).nvidiaPcie();
      if (FleetFindings.close(label)) {
        return null;
      }
      best = best == null || label.level().compareTo(best.level()) < 0 ? label : best;
    }
    return best;
  }

  // as Paths.meet compares them: an unknown node equals only another unknown one
  private static int numa(Upstream u) {
    return u.numa() == null ? Integer.MIN_VALUE : u.numa();
  }
}
