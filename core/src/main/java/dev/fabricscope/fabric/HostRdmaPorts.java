package dev.fabricscope.fabric;

import java.util.List;

/**
 * One host's RDMA ports as {@link RdmaFabric} groups them, taken out of its report once: a server
 * keeps these per host and snapshot instead of the fleet's whole reports, which are megabytes each
 * where the ports are a few rows.
 */
public final class HostRdmaPorts {

  private final String host;
  private final List<RdmaPorts.Located> ports;

  private HostRdmaPorts(String host, List<RdmaPorts.Located> ports) {
    this.host = host;
    this.ports = List.copyOf(ports);
  }

  /** The ports of one host's report (none when it lists no RDMA device). */
  public static HostRdmaPorts of(RdmaFabric.HostReport report) {
    return new HostRdmaPorts(report.host(), RdmaPorts.of(report));
  }

  /** The host name. */
  public String host() {
    return host;
  }

  /** How many ports, with or without a GID. */
  public int size() {
    return ports.size();
  }

  List<RdmaPorts.Located> ports() {
    return ports;
  }
}
