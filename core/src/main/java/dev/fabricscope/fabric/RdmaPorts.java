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
      out.addAll(of(h));
    }
    return out;
  }

  /** Every port of one host, in report order. */
  static List<Located> of(RdmaFabric.HostReport h) {
    List<Located> out = new ArrayList<>();
    if (h.report() == null || h.report().rdma() == null) {
      return out;
    }
    for (RdmaDevice d : h.report().rdma()) {
      for (RdmaDevice.Port p : d.ports()) {
        out.add(located(h.host(), d, p));
      }
    }
    return out;
  }

  private static Located located(String host, RdmaDevice d, RdmaDevice.Port p) {
    String layer = linkLayer(p);
    String gid = p.gids().isEmpty() ? null : p.gids().get(0);
    String prefix;
    if (layer.equals("Ethernet")) {
      String v4 =
          p.gids().stream().map(Gids::ipv4Network).filter(x -> x != null).findFirst().orElse(null);
      if (v4 != null) {
        gid = p.gids().stream().filter(g -> Gids.ipv4Network(g) != null).findFirst().get();
      }
      prefix = v4 != null ? v4 : gid != null ? Gids.prefix(gid) : null;
    } else {
      prefix = gid != null ? Gids.prefix(gid) : null;
    }
    return new Located(
        layer,
        prefix,
        new RdmaFabric.PortRow(
            host,
            d.name(),
            p.port(),
            d.nodeGuid(),
            p.state(),
            p.rate() != null ? p.rate() : p.rateGbps() != null ? gbps(p.rateGbps()) : null,
            p.rateGbps(),
            p.lid(),
            layer.equals("InfiniBand") ? SubnetManagers.normalize(p.smLid()) : null,
            gid,
            p.netdevs()));
  }

  static String gbps(double v) {
    return (v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v)) + " Gb/sec";
  }

  /**
   * The port's link layer: as reported, else inferred (hwloc XML records none): a netdev bound to
   * its GIDs or an IPv4-mapped GID means Ethernet (RoCE), anything else InfiniBand.
   */
  static String linkLayer(RdmaDevice.Port p) {
    if (p.linkLayer() != null && !p.linkLayer().isBlank()) {
      return p.linkLayer().equalsIgnoreCase("ethernet") ? "Ethernet" : "InfiniBand";
    }
    if (!p.netdevs().isEmpty() || p.gids().stream().anyMatch(g -> Gids.ipv4Network(g) != null)) {
      return "Ethernet";
    }
    return "InfiniBand";
  }
}
