package dev.fabricscope.agent.bandwidth;

import dev.fabricscope.bandwidth.Endpoint;
import dev.fabricscope.sysfs.SysfsRoot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The RDMA ports perftest can use, read from {@code /sys/class/infiniband/DEV/ports/N/} through a
 * {@link SysfsRoot} ({@code link_layer}, {@code state}, {@code gids/I}, {@code gid_attrs/types/I}),
 * and the GID index ({@code -x}) for a port.
 */
public final class RdmaPorts {

  static final String IB = "/sys/class/infiniband";
  private static final String ZERO_GID = "0000:0000:0000:0000:0000:0000:0000:0000";
  private static final String IPV4_MAPPED = "0000:0000:0000:0000:0000:ffff:";

  /**
   * One port.
   *
   * @param device RDMA device name ({@code mlx5_0}, {@code rxe0})
   * @param port port number (1-based)
   * @param linkLayer {@code InfiniBand} or {@code Ethernet}
   * @param state the state text ({@code 4: ACTIVE})
   */
  public record Port(String device, int port, String linkLayer, String state) {

    /** As an endpoint ({@code rdma:rxe0:1}). */
    public String endpoint() {
      return "rdma:" + device + ":" + port;
    }

    /** Whether the port is up ({@code 4: ACTIVE}). */
    public boolean active() {
      return state != null && state.endsWith("ACTIVE");
    }

    /** Whether it is RoCE (Ethernet link layer), where a GID index must be chosen. */
    public boolean roce() {
      return "Ethernet".equals(linkLayer);
    }
  }

  /**
   * The GID a RoCE port uses.
   *
   * @param index the GID table index ({@code -x})
   * @param gid the GID, hex groups as sysfs prints it
   * @param ipv4 the IPv4 address an IPv4-mapped GID carries ({@code ::ffff:a.b.c.d}), else null
   */
  public record Gid(int index, String gid, String ipv4) {}

  private final SysfsRoot root;

  public RdmaPorts(SysfsRoot root) {
    this.root = root;
  }

  /** Every port of every device whose name is a valid endpoint name, sorted by device and port. */
  public List<Port> ports() {
    List<Port> out = new ArrayList<>();
    for (String dev : root.list(IB)) {
      for (String p : root.list(IB + "/" + dev + "/ports")) {
        if (!p.matches("[0-9]{1,3}") || !validEndpoint(dev, p)) {
          continue; // a name perftest could not be given safely is not offered at all
        }
        String dir = IB + "/" + dev + "/ports/" + p;
        out.add(
            new Port(
                dev,
                Integer.parseInt(p),
                root.textOpt(dir + "/link_layer").orElse(null),
                root.textOpt(dir + "/state").orElse(null)));
      }
    }
    out.sort(Comparator.comparing(Port::device).thenComparingInt(Port::port));
    return out;
  }

  /** The port an endpoint names, if this host has it. */
  public Optional<Port> port(Endpoint e) {
    return ports().stream()
        .filter(p -> p.device().equals(e.name()) && p.port() == e.port())
        .findFirst();
  }

  /**
   * The GID for perftest's {@code -x} on a RoCE port: the RoCE v2 GID that maps an IPv4 address
   * (routable, the usual choice for RoCE v2 fabrics), else the first other RoCE v2 GID (the
   * link-local one: what rxe ports without an IPv4 address have). Empty for InfiniBand ports, where
   * perftest's default (index 0) is right.
   *
   * @throws HelperException when a RoCE port has no RoCE v2 GID
   */
  public Optional<Gid> gid(Port port) throws HelperException {
    if (!port.roce()) {
      return Optional.empty();
    }
    String dir = IB + "/" + port.device() + "/ports/" + port.port();
    List<String> indexes = new ArrayList<>(root.list(dir + "/gids"));
    indexes.removeIf(i -> !i.matches("[0-9]{1,4}"));
    indexes.sort(Comparator.comparingInt(Integer::parseInt));
    Gid fallback = null;
    for (String i : indexes) {
      String gid = root.textOpt(dir + "/gids/" + i).orElse(ZERO_GID);
      // unused entries are all zero; their type file cannot be read (EINVAL on a live host)
      String type = root.textOpt(dir + "/gid_attrs/types/" + i).orElse("");
      if (gid.equals(ZERO_GID) || !type.equals("RoCE v2") || !gid.matches("[0-9a-f:]{39}")) {
        continue;
      }
      int index = Integer.parseInt(i);
      if (gid.startsWith(IPV4_MAPPED)) {
        return Optional.of(new Gid(index, gid, ipv4(gid)));
      }
      if (fallback == null) {
        fallback = new Gid(index, gid, null);
      }
    }
    if (fallback == null) {
      throw new HelperException(port.endpoint() + " has no RoCE v2 GID (is its netdev up?)");
    }
    return Optional.of(fallback);
  }

  /** {@code 0000:…:ffff:0a4d:0001} → {@code 10.77.0.1}. */
  static String ipv4(String mappedGid) {
    String[] g = mappedGid.split(":");
    int hi = Integer.parseInt(g[6], 16);
    int lo = Integer.parseInt(g[7], 16);
    return (hi >> 8) + "." + (hi & 0xff) + "." + (lo >> 8) + "." + (lo & 0xff);
  }

  private static boolean validEndpoint(String dev, String port) {
    try {
      Endpoint.parse("rdma:" + dev + ":" + port);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
