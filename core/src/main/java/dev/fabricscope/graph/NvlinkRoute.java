package dev.fabricscope.graph;

import dev.fabricscope.graph.FabricGraph.Edge;
import dev.fabricscope.graph.FabricGraph.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The NVLink edges of a {@link FabricGraph} that a GPU pair's traffic takes when nvidia-smi labels
 * the pair NV# (p2p-rules.md §4.1, the same rule as {@code Fabric.nvlinkCount}): their direct bond
 * when there is one, else both GPUs' links into the NVSwitch fabric (DGX-2: each V100 has one link
 * to each of its baseboard's six NVSwitches; the trunks between the boards are not in any report).
 *
 * @param a the first GPU's node id (its BDF)
 * @param b the second GPU's node id
 * @param edges the NVLink edges to highlight; empty when the pair has no NVLink
 * @param nodes the nodes on those edges, a and b included
 * @param viaSwitches whether the route runs through NVSwitches rather than a direct bond
 */
public record NvlinkRoute(
    String a, String b, List<String> edges, List<String> nodes, boolean viaSwitches) {

  public NvlinkRoute {
    edges = List.copyOf(edges);
    nodes = List.copyOf(nodes);
  }

  /** The route between two drawn nodes of a graph. */
  public static NvlinkRoute of(FabricGraph g, String a, String b) {
    Map<String, String> kind = new HashMap<>();
    for (Node n : g.nodes()) {
      kind.put(n.id(), n.kind());
    }
    List<Edge> nv = g.edges().stream().filter(e -> e.kind().equals("nvlink")).toList();
    for (Edge e : nv) {
      if (e.source().equals(a) && e.target().equals(b)
          || e.source().equals(b) && e.target().equals(a)) {
        return new NvlinkRoute(a, b, List.of(e.id()), List.of(a, b), false);
      }
    }
    List<Edge> fromA = toSwitches(nv, a, kind);
    List<Edge> fromB = toSwitches(nv, b, kind);
    if (a.equals(b) || fromA.isEmpty() || fromB.isEmpty()) {
      return new NvlinkRoute(a, b, List.of(), List.of(), false);
    }
    List<String> edges = new ArrayList<>();
    Set<String> nodes = new LinkedHashSet<>(List.of(a, b));
    for (Edge e : fromA) {
      edges.add(e.id());
      nodes.add(e.source().equals(a) ? e.target() : e.source());
    }
    for (Edge e : fromB) {
      edges.add(e.id());
      nodes.add(e.source().equals(b) ? e.target() : e.source());
    }
    return new NvlinkRoute(a, b, edges, new ArrayList<>(nodes), true);
  }

  private static List<Edge> toSwitches(List<Edge> nv, String gpu, Map<String, String> kind) {
    return nv.stream()
        .filter(
            e ->
                e.source().equals(gpu) && "nvswitch".equals(kind.get(e.target()))
                    || e.target().equals(gpu) && "nvswitch".equals(kind.get(e.source())))
        .toList();
  }
}
