package dev.fabricscope.planner;

import dev.fabricscope.p2p.Fabric;
import dev.fabricscope.path.Path;
import dev.fabricscope.path.PcieLink;
import dev.fabricscope.topology.DeviceKind;
import dev.fabricscope.topology.NvLink;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.RdmaDevice;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Turns flows into the capacity-limited links they cross, per direction (issue 13's routing): PCIe
 * as the kernel routes it ({@link Path#route()}: below a common bridge unless ACS redirects, else
 * through the root complex), the inter-socket link when the two ends sit on different NUMA nodes,
 * NVLink between GPUs that have it, a NIC port's line rate, and host memory of a node. Direction
 * "up" is data moving from a link's downstream end to its upstream end. Links whose capacity the
 * report does not give are not constraints and are left out.
 */
final class Router {

  /** A capacity-limited link in one direction. */
  record Link(String kind, String upstream, String downstream, String direction, double gbps) {}

  private final Fabric fabric;
  private final double interSocket;
  private final PlanOptions options;
  private final List<Link> links = new ArrayList<>();
  private final Map<String, Integer> ids = new HashMap<>();
  private final Map<String, Map<String, Integer>> nvDirect = new HashMap<>();
  private final Map<String, Integer> nvToSwitch = new HashMap<>();

  Router(Fabric fabric, PlanOptions options) {
    this.fabric = fabric;
    this.interSocket =
        options.interSocketGBps() != null
            ? options.interSocketGBps()
            : LinkRates.interSocketGBps(fabric.host() == null ? null : fabric.host().cpu());
    this.options = options;
    for (NvLink l : fabric.report().nvlinks()) {
      PciFunction fa = fabric.function(l.a());
      PciFunction fb = fabric.function(l.b());
      boolean gpuA = fa != null && fa.kind() == DeviceKind.GPU;
      boolean gpuB = fb != null && fb.kind() == DeviceKind.GPU;
      if (gpuA && gpuB) {
        nvDirect
            .computeIfAbsent(l.a(), k -> new HashMap<>())
            .merge(l.b(), l.count(), Router::links);
        nvDirect
            .computeIfAbsent(l.b(), k -> new HashMap<>())
            .merge(l.a(), l.count(), Router::links);
      } else if (gpuA || gpuB) {
        nvToSwitch.merge(gpuA ? l.a() : l.b(), l.count(), Router::links);
      }
    }
  }

  /**
   * NVLink counts added up, at most {@link NvLink#MAX_COUNT}: a report's counts are bounded one by
   * one, and a sum that overflowed an int would be a negative capacity, on which max-min filling
   * never ends.
   */
  private static int links(int a, int b) {
    return (int) Math.min(NvLink.MAX_COUNT, (long) a + b);
  }

  List<Link> links() {
    return links;
  }

  /** The links a flow crosses, each once. */
  int[] route(Flow flow) {
    Set<Integer> out = new LinkedHashSet<>();
    FlowEnd s = flow.source();
    FlowEnd t = flow.target();
    if (s.type() == FlowEnd.Type.NETWORK) {
      nicPort(s, "down", out);
    }
    if (s.type() == FlowEnd.Type.HOST_MEMORY && t.type() == FlowEnd.Type.HOST_MEMORY) {
      memory(s.numaNode(), "down", out);
      socket(s.numaNode(), t.numaNode(), out);
      memory(t.numaNode(), "up", out);
    } else if (s.type() == FlowEnd.Type.HOST_MEMORY) {
      memory(s.numaNode(), "down", out);
      socket(s.numaNode(), fabric.numaNode(t.bdf()), out);
      pcieToHost(t.bdf(), "down", out);
    } else if (t.type() == FlowEnd.Type.HOST_MEMORY) {
      pcieToHost(s.bdf(), "up", out);
      socket(fabric.numaNode(s.bdf()), t.numaNode(), out);
      memory(t.numaNode(), "up", out);
    } else {
      devices(s.bdf(), t.bdf(), out);
    }
    if (t.type() == FlowEnd.Type.NETWORK) {
      nicPort(t, "up", out);
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  private void devices(String a, String b, Set<Integer> out) {
    if (fabric.effective(a).equals(fabric.effective(b))) {
      return; // a NIC port's own traffic, or a device to itself: no PCIe link crossed
    }
    Integer direct = nvDirect.getOrDefault(a, Map.of()).get(b);
    if (direct != null) {
      boolean down = a.compareTo(b) < 0;
      add("nvlink", down ? a : b, down ? b : a, down ? "down" : "up", direct * nvPerLink(), out);
      return;
    }
    if (nvToSwitch.containsKey(a) && nvToSwitch.containsKey(b)) {
      // through NVSwitches: each GPU's links into the switch fabric (DGX-2: 6 per V100)
      add("nvlink", "nvswitch", a, "up", nvToSwitch.get(a) * nvPerLink(), out);
      add("nvlink", "nvswitch", b, "down", nvToSwitch.get(b) * nvPerLink(), out);
      return;
    }
    Path p = fabric.paths().path(a, b);
    List<Path.Crossing> route = p.route();
    int half = 0;
    while (half < route.size() && route.get(half).direction() == Path.Direction.UP) {
      half++;
    }
    for (Path.Crossing c : route.subList(0, half)) {
      pcie(c.link(), "up", out);
    }
    if (p.climbs().contains(Path.Climb.DIFFERENT_SOCKETS)) {
      socket(fabric.numaNode(a), fabric.numaNode(b), out);
    }
    for (Path.Crossing c : route.subList(half, route.size())) {
      pcie(c.link(), "down", out);
    }
  }

  private double nvPerLink() {
    return LinkRates.NVLINK_LINK_GBPS;
  }

  private void pcieToHost(String bdf, String direction, Set<Integer> out) {
    List<PcieLink> up = fabric.paths().toHost(bdf);
    for (PcieLink l : up) {
      pcie(l, direction, out);
    }
  }

  private void pcie(PcieLink l, String direction, Set<Integer> out) {
    if (l.usableGBps() != null && l.usableGBps() > 0) {
      add("pcie", l.upstream(), l.downstream(), direction, l.usableGBps(), out);
    }
  }

  private void socket(Integer from, Integer to, Set<Integer> out) {
    if (from == null || to == null || from.equals(to)) {
      return;
    }
    int lo = Math.min(from, to);
    int hi = Math.max(from, to);
    add(
        "inter-socket",
        "socket:" + lo,
        "socket:" + hi,
        from == hi ? "up" : "down",
        interSocket,
        out);
  }

  private void memory(int node, String direction, Set<Integer> out) {
    add("memory", "memory", "numa:" + node, direction, options.memoryGBps(node), out);
  }

  private void nicPort(FlowEnd nic, String direction, Set<Integer> out) {
    RdmaDevice.Port port = port(nic);
    if (port != null && port.rateGbps() != null && port.rateGbps() > 0) {
      String end = nic.bdf() + "/" + port.port();
      add("nic", "network", end, direction, LinkRates.nicGBps(port.rateGbps()), out);
    }
  }

  /** The RDMA port a network end names: by device name, else the first device on the BDF. */
  RdmaDevice.Port port(FlowEnd nic) {
    for (RdmaDevice d : fabric.rdmaOn(nic.bdf())) {
      if (nic.rdma() != null && !nic.rdma().equals(d.name())) {
        continue;
      }
      for (RdmaDevice.Port p : d.ports()) {
        if (nic.port() == null || Objects.equals(p.port(), nic.port())) {
          return p;
        }
      }
    }
    return null;
  }

  private void add(
      String kind, String up, String down, String direction, double gbps, Set<Integer> out) {
    String key = kind + '|' + up + '|' + down + '|' + direction;
    Integer id = ids.get(key);
    if (id == null) {
      id = links.size();
      ids.put(key, id);
      links.add(new Link(kind, up, down, direction, gbps));
    }
    out.add(id);
  }
}
