package dev.fabricscope.fabric;

import dev.fabricscope.topology.Report;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The fleet's RDMA fabric: every host's RDMA ports grouped into the subnets they sit on. InfiniBand
 * ports are grouped by the fabric an {@code ibnetdiscover} run found them on (its switch GUIDs; the
 * port is matched by its port GUID, the low 64 bits of its GID, else its node GUID) and the subnet
 * prefix of their GIDs (the first four groups, e.g. {@code fe80:0000:0000:0000}); without a
 * discovery, by the prefix alone, which cannot tell apart fabrics that all keep the default {@code
 * fe80::} prefix ({@link Subnet#mayMergeFabrics}), split by subnet manager LID where the ports of
 * one prefix report different ones ({@link SubnetManagers}). RoCE ports (link layer Ethernet) by
 * the IPv4 network of their IPv4-mapped GID (a /24 is assumed: reports carry no netmask), else by
 * GID prefix. Ports with no GID at all belong to no subnet: {@link #withoutGid} lists them apart.
 */
public final class RdmaFabric {

  private RdmaFabric() {}

  /** One host's latest report. */
  public record HostReport(String host, Report report) {}

  /**
   * One RDMA port of one host.
   *
   * @param host host name
   * @param device RDMA device, e.g. {@code mlx5_0}
   * @param port port number
   * @param nodeGuid the device's node GUID
   * @param state logical state (ACTIVE, DOWN...), or null when unknown
   * @param rate rate as the kernel printed it, or null
   * @param rateGbps rate in Gb/s, or null
   * @param lid LID (hex), or null
   * @param smLid the LID of the subnet manager the port answers to ({@code 0x1}), null when not
   *     reported or 0 (no subnet manager has swept the port yet)
   * @param gid the GID the port was grouped by, or null
   * @param netdevs netdevs bound to the port
   */
  public record PortRow(
      String host,
      String device,
      int port,
      String nodeGuid,
      String state,
      String rate,
      Double rateGbps,
      String lid,
      String smLid,
      String gid,
      List<String> netdevs) {}

  /**
   * One subnet.
   *
   * @param id stable key, e.g. {@code ib:fe80:0000:0000:0000}, {@code
   *     ib:fe80:0000:0000:0000@0008:f105:0010:8500} (on a discovered fabric) or {@code
   *     roce:10.1.2.0/24}
   * @param linkLayer InfiniBand or Ethernet (RoCE)
   * @param prefix the GID subnet prefix or IPv4 network
   * @param fabric the discovered fabric's key (its lowest switch GUID), null when no discovery
   *     lists these ports
   * @param discovery the discovery's name (the ibnetdiscover file or upload), null without one
   * @param smLid set when the ports of one GID prefix (and no discovery) answer to different subnet
   *     managers: the SM LID these ports answer to. Ports with different SM LIDs cannot share a
   *     subnet, so the prefix is split; equal SM LIDs prove nothing (each subnet numbers its LIDs
   *     from 1), so a prefix is never joined or kept by SM LID alone
   * @param smLids the SM LIDs the ports report, sorted
   * @param switchGuids the switches the ports are cabled to, per the discovery, sorted
   * @param mayMergeFabrics InfiniBand on the default prefix {@code fe80:0000:0000:0000} without a
   *     discovery: ports of separate fabrics may be listed together
   * @param hosts the hosts with a port in it, sorted
   * @param nodeGuids the node GUIDs of the devices with a port in it, sorted
   * @param ports its ports, by host, device, port
   * @param byState port count by state ({@code unknown} when not reported)
   * @param byRate port count by rate ({@code unknown} when not reported)
   */
  public record Subnet(
      String id,
      String linkLayer,
      String prefix,
      String fabric,
      String discovery,
      String smLid,
      List<String> smLids,
      List<String> switchGuids,
      boolean mayMergeFabrics,
      List<String> hosts,
      List<String> nodeGuids,
      List<PortRow> ports,
      Map<String, Integer> byState,
      Map<String, Integer> byRate) {

    public int hostCount() {
      return hosts.size();
    }

    public int portCount() {
      return ports.size();
    }
  }

  /** Groups the hosts' RDMA ports into subnets by GID prefix alone (no discovery). */
  public static List<Subnet> build(List<HostReport> hosts) {
    return build(hosts, List.of());
  }

  /**
   * Groups the hosts' RDMA ports with a GID into subnets, InfiniBand first, then by prefix and
   * fabric; {@code discoveries} tell InfiniBand fabrics apart.
   */
  public static List<Subnet> build(
      List<HostReport> hosts, List<IbNetDiscover.Discovery> discoveries) {
    return group(RdmaPorts.of(hosts), discoveries);
  }

  /** {@link #build(List, List)} over ports already taken out of the reports. */
  public static List<Subnet> subnets(
      List<HostRdmaPorts> hosts, List<IbNetDiscover.Discovery> discoveries) {
    return group(located(hosts), discoveries);
  }

  private static List<RdmaPorts.Located> located(List<HostRdmaPorts> hosts) {
    List<RdmaPorts.Located> out = new ArrayList<>();
    hosts.forEach(h -> out.addAll(h.ports()));
    return out;
  }

  private static List<Subnet> group(
      List<RdmaPorts.Located> located, List<IbNetDiscover.Discovery> discoveries) {
    record Key(String linkLayer, String prefix, String fabric, String smLid) {}
    Map<String, IbNetDiscover.Discovery> byPortGuid = new HashMap<>();
    for (IbNetDiscover.Discovery d : discoveries) {
      d.links().keySet().forEach(g -> byPortGuid.putIfAbsent(g, d));
    }
    Map<String, IbNetDiscover.Discovery> byKey = new HashMap<>();
    discoveries.forEach(d -> byKey.putIfAbsent(d.key(), d));
    Map<Key, List<PortRow>> groups =
        new TreeMap<>(
            Comparator.comparing((Key k) -> k.linkLayer().equals("InfiniBand") ? 0 : 1)
                .thenComparing(Key::linkLayer)
                .thenComparing(Key::prefix)
                .thenComparing(Key::fabric, Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparing(
                    Key::smLid,
                    Comparator.nullsFirst(Comparator.comparing(SubnetManagers::order))));
    Set<String> split = SubnetManagers.prefixesToSplit(located, r -> discovery(r, byPortGuid));
    for (RdmaPorts.Located l : located) {
      if (l.prefix() == null) {
        continue;
      }
      boolean ib = l.layer().equals("InfiniBand");
      IbNetDiscover.Discovery d = ib ? discovery(l.row(), byPortGuid) : null;
      String sm = ib && d == null && split.contains(l.prefix()) ? l.row().smLid() : null;
      groups
          .computeIfAbsent(
              new Key(l.layer(), l.prefix(), d == null ? null : d.key(), sm),
              k -> new ArrayList<>())
          .add(l.row());
    }
    List<Subnet> out = new ArrayList<>();
    groups.forEach(
        (k, rows) -> {
          sort(rows);
          Set<String> hs = new TreeSet<>();
          Set<String> guids = new TreeSet<>();
          Set<String> switches = new TreeSet<>();
          Set<String> sms = new TreeSet<>(Comparator.comparing(SubnetManagers::order));
          Map<String, Integer> byState = new TreeMap<>();
          Map<String, Integer> byRate = new TreeMap<>();
          IbNetDiscover.Discovery d = k.fabric() == null ? null : byKey.get(k.fabric());
          for (PortRow r : rows) {
            hs.add(r.host());
            if (r.nodeGuid() != null) {
              guids.add(r.nodeGuid().toLowerCase(Locale.ROOT));
            }
            if (d != null) {
              IbNetDiscover.CaLink link = d.links().get(portGuid(r));
              if (link == null) {
                link = d.links().get(lower(r.nodeGuid()));
              }
              if (link != null) {
                switches.add(link.switchGuid());
              }
            }
            if (r.smLid() != null) {
              sms.add(r.smLid());
            }
            byState.merge(r.state() != null ? r.state() : "unknown", 1, Integer::sum);
            byRate.merge(r.rate() != null ? r.rate() : "unknown", 1, Integer::sum);
          }
          boolean ib = k.linkLayer().equals("InfiniBand");
          String id =
              (ib ? "ib:" : "roce:")
                  + k.prefix()
                  + (k.fabric() == null ? "" : "@" + k.fabric())
                  + (k.smLid() == null ? "" : "/sm:" + k.smLid());
          out.add(
              new Subnet(
                  id,
                  k.linkLayer(),
                  k.prefix(),
                  k.fabric(),
                  d == null ? null : d.name(),
                  k.smLid(),
                  ib ? List.copyOf(sms) : List.of(),
                  List.copyOf(switches),
                  ib && d == null && DEFAULT_PREFIX.equals(k.prefix()),
                  List.copyOf(hs),
                  List.copyOf(guids),
                  List.copyOf(rows),
                  byState,
                  byRate));
        });
    return out;
  }

  /** The ports that report no GID (no subnet can be told for them), by host, device, port. */
  public static List<PortRow> withoutGid(List<HostReport> hosts) {
    return gidless(RdmaPorts.of(hosts));
  }

  /** {@link #withoutGid(List)} over ports already taken out of the reports. */
  public static List<PortRow> portsWithoutGid(List<HostRdmaPorts> hosts) {
    return gidless(located(hosts));
  }

  private static List<PortRow> gidless(List<RdmaPorts.Located> located) {
    List<PortRow> out = new ArrayList<>();
    for (RdmaPorts.Located l : located) {
      if (l.prefix() == null) {
        out.add(l.row());
      }
    }
    sort(out);
    return List.copyOf(out);
  }

  /** The subnet prefix subnet managers hand out unless configured otherwise. */
  public static final String DEFAULT_PREFIX = "fe80:0000:0000:0000";

  private static void sort(List<PortRow> rows) {
    rows.sort(
        Comparator.comparing(PortRow::host)
            .thenComparing(PortRow::device)
            .thenComparingInt(PortRow::port));
  }

  /** The discovery that lists the port: by port GUID (the GID's low half), else node GUID. */
  private static IbNetDiscover.Discovery discovery(
      PortRow r, Map<String, IbNetDiscover.Discovery> byPortGuid) {
    IbNetDiscover.Discovery d = byPortGuid.get(portGuid(r));
    return d != null ? d : byPortGuid.get(lower(r.nodeGuid()));
  }

  /** The port GUID in a GID's interface id ({@code fe80::2:c903:2:a0cf} → 0002:c903:0002:a0cf). */
  static String portGuid(PortRow r) {
    String[] g = Gids.expand(r.gid());
    return g == null ? null : String.join(":", g[4], g[5], g[6], g[7]);
  }

  private static String lower(String guid) {
    return guid == null ? null : guid.toLowerCase(Locale.ROOT);
  }
}
