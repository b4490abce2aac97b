package dev.fabricscope.fabric;

import dev.fabricscope.topology.RdmaDevice;
import java.util.ArrayList;
import java.util.List;

/**
 * Every RDMA port of the hosts' reports as a {@link RdmaFabric.PortRow}, with the link layer and
 * the subnet prefix {@link RdmaFabric} groups it by.
 */
final class RdmaPorts {

  private RdmaPorts() {}

  /** A port with its link layer and subnet prefix (null without a GID). */
  record Located(String layer, String prefix, RdmaFabric.PortRow row) {}

  /** Every port of every host, in report order. */
  static List<Located> of(List<RdmaFabric.HostReport> hosts) {
    List<Located> out = new ArrayList<>();
    for (RdmaFabric.HostReport h : hosts) {
      if (h.report() == null || h.report().rdma() == null) {
        continue;
      }
      for (RdmaDevice d : h.report().rdma()) {
        for (RdmaDevice.Port p : d.ports()) {
          String layer = RdmaFabric.linkLayer(p);
          String gid = p.gids().isEmpty() ? null : p.gids().get(0);
          String prefix;
          if (layer.equals("Ethernet")) {
            String v4 =
                p.gids().stream()
                    .map(RdmaFabric::ipv4Network)
                    .filter(x -> x != null)
                    .findFirst()
                    .orElse(null);
            if (v4 != null) {
              gid =
                  p.gids().stream()
                      .filter(g -> RdmaFabric.ipv4Network(g) != null)
                      .findFirst()
                      .get();
            }
            prefix = v4 != null ? v4 : gid != null ? RdmaFabric.prefix(gid) : null;
          } else {
            prefix = gid != null ? RdmaFabric.prefix(gid) : null;
          }
          out.add(
              new Located(
                  layer,
                  prefix,
                  new RdmaFabric.PortRow(
                      h.host(),
                      d.name(),
                      p.port(),
                      d.nodeGuid(),
                      p.state(),
                      p.rate() != null
                          ? p.rate()
                          : p.rateGbps() != null ? gbps(p.rateGbps()) : null,
                      p.rateGbps(),
                      p.lid(),
                      layer.equals("InfiniBand") ? SubnetManagers.normalize(p.smLid()) : null,
                      gid,
                      p.netdevs())));
        }
      }
    }
    return out;
  }

  static String gbps(double v) {
    return (v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v)) + " Gb/sec";
  }
}
