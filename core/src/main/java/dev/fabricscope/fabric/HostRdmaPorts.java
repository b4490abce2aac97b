package dev.fabricscope.fabric;

import java.util.List;

/**
 * One host's RDMA ports as {@link RdmaFabric} groups them, taken out of its report once: a server
 * keeps these per host and snapshot instead of the fleet's whole reports, which are megabytes each
 * where the ports are a few rows. At most {@link #MAX_PORTS} of them, in report order; the rest are
 * counted ({@link #leftOut}).
 */
public final class HostRdmaPorts {

  /**
   * Most ports of one host in the fabric view. A valid report may list 10,000 RDMA devices, and 20
   * such imports made one view of the fabric page run a 512 MiB server out of heap (fourteenth
   * security review: 17 MB of HTML per host); the largest real hosts have a few dozen ports (a DGX
   * H100: 8 compute HCAs and 2 dual-port storage NICs), SR-IOV hosts a few hundred at most.
   */
  public static final int MAX_PORTS = 256;

  private final String host;
  private final List<RdmaPorts.Located> ports;
  private final int leftOut;

  private HostRdmaPorts(String host, List<RdmaPorts.Located> ports) {
    this.host = host;
    this.ports = List.copyOf(ports.subList(0, Math.min(MAX_PORTS, ports.size())));
    this.leftOut = ports.size() - this.ports.size();
  }

  /** The ports of one host's report (none when it lists no RDMA device). */
  public static HostRdmaPorts of(RdmaFabric.HostReport report) {
    return new HostRdmaPorts(report.host(), RdmaPorts.of(report));
  }

  /** Ports of the report past {@link #MAX_PORTS}, not in the view. */
  public int leftOut() {
    return leftOut;
  }

  /** The host name. */
  public String host() {
    return host;
  }

  /** How many ports are in the view, with or without a GID. */
  public int size() {
    return ports.size();
  }

  List<RdmaPorts.Located> ports() {
    return ports;
  }
}
