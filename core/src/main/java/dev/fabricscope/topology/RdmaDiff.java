package dev.fabricscope.topology;

import dev.fabricscope.topology.TopologyDiff.Change;
import dev.fabricscope.topology.TopologyDiff.Kind;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The RDMA part of {@link TopologyDiff}: devices by name, ports by number; a port's logical state,
 * physical state and rate (p2p-rules.md §6.3) are what a fabric problem changes first.
 */
final class RdmaDiff {

  private RdmaDiff() {}

  static void compare(List<RdmaDevice> from, List<RdmaDevice> to, List<Change> out) {
    Map<String, RdmaDevice> a = TopologyDiff.index(from, RdmaDevice::name, String::compareTo);
    Map<String, RdmaDevice> b = TopologyDiff.index(to, RdmaDevice::name, String::compareTo);
    TreeSet<String> names = new TreeSet<>(a.keySet());
    names.addAll(b.keySet());
    for (String n : names) {
      RdmaDevice x = a.get(n);
      RdmaDevice y = b.get(n);
      if (x == null || y == null) {
        RdmaDevice d = x == null ? y : x;
        String where = d.pciFunction() == null ? "" : " on " + d.pciFunction();
        out.add(
            new Change(
                x == null ? Kind.RDMA_DEVICE_ADDED : Kind.RDMA_DEVICE_REMOVED,
                n,
                null,
                x == null ? null : n + where,
                y == null ? null : n + where,
                null,
                n + where + (x == null ? " appeared" : " disappeared")));
        continue;
      }
      Map<Integer, RdmaDevice.Port> px = new TreeMap<>();
      x.ports().forEach(p -> px.put(p.port(), p));
      Map<Integer, RdmaDevice.Port> py = new TreeMap<>();
      y.ports().forEach(p -> py.put(p.port(), p));
      TreeSet<Integer> ports = new TreeSet<>(px.keySet());
      ports.addAll(py.keySet());
      for (int p : ports) {
        port(n + "/" + p, px.get(p), py.get(p), out);
      }
    }
  }

  private static void port(String key, RdmaDevice.Port x, RdmaDevice.Port y, List<Change> out) {
    if (x == null || y == null) {
      out.add(
          new Change(
              Kind.RDMA_PORT_CHANGED,
              key,
              "port",
              x == null ? null : "present",
              y == null ? null : "present",
              null,
              key + (x == null ? " appeared" : " disappeared")));
      return;
    }
    portField(key, "state", x.state(), y.state(), out);
    portField(key, "physState", x.physState(), y.physState(), out);
    portField(key, "rateGbps", TopologyDiff.num(x.rateGbps()), TopologyDiff.num(y.rateGbps()), out);
  }

  private static void portField(String key, String field, String x, String y, List<Change> out) {
    if (!Objects.equals(x, y)) {
      out.add(
          new Change(
              Kind.RDMA_PORT_CHANGED,
              key,
              field,
              x,
              y,
              null,
              key + " " + field + " " + TopologyDiff.orNone(x) + " → " + TopologyDiff.orNone(y)));
    }
  }
}
