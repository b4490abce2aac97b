package dev.fabricscope.exporter;

import dev.fabricscope.topology.RdmaDevice;
import java.util.List;

/**
 * The {@code nic}/{@code net} elements and CPU attribute spellings of {@link NcclXmlExporter}: a
 * {@code net} per port of each RDMA device, {@code speed} in Mb/s from the port rate, GUIDs and
 * architecture names as NCCL prints them (graph/xml.cc, topo.cc).
 */
final class NcclNets {

  private NcclNets() {}

  /** One {@code nic} element holding a {@code net} per port; returns the next free dev index. */
  static int write(XmlWriter w, List<RdmaDevice> devices, int netIndex) {
    w.start("nic");
    for (RdmaDevice d : devices) {
      List<RdmaDevice.Port> ports = d.ports().isEmpty() ? List.of() : d.ports();
      for (RdmaDevice.Port p : ports) {
        w.empty(
            "net",
            "name",
            d.name(),
            "dev",
            String.valueOf(netIndex++),
            "speed",
            p.rateGbps() == null ? null : String.valueOf(Math.round(p.rateGbps() * 1000)),
            "port",
            String.valueOf(p.port()),
            "latency",
            "0.000000",
            "guid",
            guid(d.nodeGuid()),
            "maxconn",
            "131072",
            "gdr",
            d.provider() == RdmaDevice.Provider.HARDWARE ? "1" : "0");
      }
      if (ports.isEmpty()) {
        w.empty("net", "name", d.name(), "dev", String.valueOf(netIndex++), "port", "1");
      }
    }
    w.end();
    return netIndex;
  }

  /** {@code 0c42:a103:006f:14ec} → {@code 0x0c42a103006f14ec}, as NCCL prints GUIDs. */
  static String guid(String g) {
    return g == null ? null : "0x" + g.replace(":", "").toLowerCase();
  }

  /** NCCL's arch names: x86_64, arm64, ppc64 (topo.cc); others as the kernel wrote them. */
  static String arch(String a) {
    if (a == null) {
      return null;
    }
    return switch (a) {
      case "aarch64", "arm64" -> "arm64";
      case "ppc64le", "ppc64" -> "ppc64";
      default -> a;
    };
  }
}
