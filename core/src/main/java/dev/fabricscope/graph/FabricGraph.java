package dev.fabricscope.graph;

import java.util.List;

/**
 * A host's fabric as a drawable graph (issue 14): the server computes it from the report and the
 * path model; the page only lays it out and draws it. Nodes nest in groups (NUMA node, switch box)
 * through {@link Node#parent}; edges are PCIe links (labelled with the trained generation and
 * width, with their state), NVLink bonds (with their link count) and the links into NVSwitches.
 *
 * @param nodes groups first (NUMA nodes, switches), then host bridges, ports and devices
 * @param edges PCIe links from the upstream end, then NVLinks
 * @param hiddenPlatform platform functions on root buses left out (ask with {@code platform=true})
 */
public record FabricGraph(List<Node> nodes, List<Edge> edges, int hiddenPlatform) {

  public FabricGraph {
    nodes = List.copyOf(nodes);
    edges = List.copyOf(edges);
  }

  /**
   * One node.
   *
   * @param id the BDF for functions; {@code numa:N}, {@code sw:UPSTREAM_BDF}, the root bus name
   *     ({@code pci0000:00}), {@code platform:ROOT_BUS} or {@code nvswitch:BDF} otherwise
   * @param type numa, switch, platform (the box of a root bus's platform functions, drawn with
   *     platform=true), hostbridge, port, device or nvswitch
   * @param kind for devices the report's kind (gpu, nic, rdma, nvme, …); port, hostbridge otherwise
   * @param label lines to draw, the first the most important (name and short BDF)
   * @param title the full device name, for a tooltip
   * @param parent the group node it is drawn inside, null at top level
   * @param acsRedirect whether the port redirects P2P traffic upstream (ACS, p2p-rules.md §2.4)
   * @param vfs VFs folded into this PF (SR-IOV), 0 when none
   * @param name the name the Matrix tab and the CLI give it (GPU0, NIC1), null for others
   * @param keys what a search finds it by besides id, name and label: the bound driver, RDMA
   *     devices (mlx5_0), network interfaces (eth0), NVMe controllers (nvme0), the GPU UUID
   */
  public record Node(
      String id,
      String type,
      String kind,
      List<String> label,
      String title,
      String parent,
      boolean acsRedirect,
      int vfs,
      String name,
      List<String> keys) {
    public Node {
      label = List.copyOf(label);
      keys = List.copyOf(keys);
    }
  }

  /**
   * One edge.
   *
   * @param id unique among edges
   * @param kind pcie, internal (a port on a root bus or a switch's internal bus: no link), nvlink
   * @param source the upstream end for PCIe, the lower BDF for NVLink
   * @param target the downstream end for PCIe
   * @param label {@code Gen4 x16}, {@code 15.8 GB/s} when only a rate is known, {@code NV6}
   * @param state for PCIe: ok, downtrained, below-capable-speed or unknown; null otherwise
   * @param count NVLinks in the bond, 0 for PCIe
   */
  public record Edge(
      String id,
      String kind,
      String source,
      String target,
      String label,
      String state,
      int count) {}
}
