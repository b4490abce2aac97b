package dev.fabricscope.bandwidth;

import dev.fabricscope.topology.Host;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.RdmaDevice;
import dev.fabricscope.topology.Report;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The endpoints a host's report says it has, so that a test naming one it lacks is refused before
 * it is queued rather than sent to an agent. Above all a TCP test's {@code addr:} must be one of
 * the host's own addresses: the run side's agent streams to whatever address the test names, for up
 * to five minutes, so an address that is not the host's would turn it into a traffic source aimed
 * anywhere (eighth review, finding 4).
 *
 * <ul>
 *   <li>{@code numa:N}: a node of the report's host; a report without nodes (a kernel without NUMA)
 *       has node 0 only, which stands for the whole machine as on the agent ({@code NumaNodes}).
 *   <li>{@code gpu:N} and a BDF: a device as {@link Expectations#bdfOf} finds it (the N-th NVIDIA
 *       GPU in PCI bus order, the helpers' order).
 *   <li>{@code rdma:NAME:PORT}: a device of that name with that port.
 *   <li>{@code addr:IP}: an address the report carries. The report lists no IP addresses of network
 *       interfaces (their {@code address} is the MAC), only the GIDs of RDMA ports: an IPv4-mapped
 *       GID ({@code ::ffff:a.b.c.d}) is an IPv4 address of a RoCE port's netdev, and the other GIDs
 *       of an Ethernet (RoCE) port are its netdev's IPv6 addresses. InfiniBand GIDs (subnet prefix
 *       and port GUID) are not IP addresses and are left out.
 * </ul>
 */
public final class ReportedEndpoints {

  /** Most values a refusal lists. */
  static final int LISTED = 16;

  private static final Pattern GID = Pattern.compile("[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4}){7}");

  private final Report report;
  private final Set<Integer> numa = new TreeSet<>();
  private final List<String> gpus = new ArrayList<>();
  private final Set<String> pci = new TreeSet<>();
  private final Set<String> rdma = new TreeSet<>();
  private final Set<InetAddress> addresses = new LinkedHashSet<>();

  private ReportedEndpoints(Report report) {
    this.report = report;
    Host h = report.host();
    if (h != null) {
      h.numaNodes().forEach(n -> numa.add(n.id()));
    }
    if (numa.isEmpty()) {
      numa.add(0);
    }
    for (int i = 0; i <= 63 && Expectations.bdfOf(report, Endpoint.gpu(i)) != null; i++) {
      gpus.add("gpu:" + i);
    }
    report.pci().stream().map(PciFunction::bdf).forEach(pci::add);
    for (RdmaDevice d : report.rdma()) {
      for (RdmaDevice.Port p : d.ports()) {
        rdma.add("rdma:" + d.name() + ":" + p.port());
        boolean ethernet = "ethernet".equalsIgnoreCase(p.linkLayer()) || !p.netdevs().isEmpty();
        for (String g : p.gids()) {
          InetAddress a = gidAddress(g);
          // an IPv4-mapped GID is only ever RoCE's; other GIDs are addresses on Ethernet ports only
          if (a != null && (ethernet || a.getAddress().length == 4)) {
            addresses.add(a);
          }
        }
      }
    }
  }

  /** What {@code report} says its host has. */
  public static ReportedEndpoints of(Report report) {
    return new ReportedEndpoints(report);
  }

  /**
   * The IP addresses the report carries, in report order, as {@code addr:} endpoints write them.
   */
  public List<String> addresses() {
    return addresses.stream().map(ReportedEndpoints::text).toList();
  }

  /**
   * Why {@code e} is not an endpoint of the report's host {@code host}, naming what the report does
   * have; empty when it is one.
   */
  public Optional<String> problem(Endpoint e, String host) {
    String of = e + " is not " + what(e) + " of " + host + "'s latest report";
    return switch (e.type()) {
      case NUMA ->
          numa.contains(e.index())
              ? Optional.empty()
              : Optional.of(of + " (it has " + list(numa.stream().map(n -> "numa:" + n)) + ")");
      case GPU ->
          Expectations.bdfOf(report, e) != null
              ? Optional.empty()
              : Optional.of(
                  of
                      + (gpus.isEmpty()
                          ? " (it has no NVIDIA GPU)"
                          : " (it has " + list(gpus.stream()) + ")"));
      case PCI -> pci.contains(e.name()) ? Optional.empty() : Optional.of(of);
      case RDMA ->
          rdma.contains(e.toString())
              ? Optional.empty()
              : Optional.of(
                  of
                      + (rdma.isEmpty()
                          ? " (it has no RDMA device)"
                          : " (it has " + list(rdma.stream()) + ")"));
      case ADDRESS -> address(e, of);
    };
  }

  private Optional<String> address(Endpoint e, String of) {
    InetAddress a = literal(e.name());
    if (a != null && addresses.contains(a)) {
      return Optional.empty();
    }
    if (addresses.isEmpty()) {
      return Optional.of(
          of
              + " (it lists no IP address: a report carries those of its RoCE ports' GIDs only,"
              + " and this one has none)");
    }
    return Optional.of(
        of
            + " (it has "
            + list(addresses.stream().map(x -> "addr:" + text(x)))
            + ", from its RoCE ports' GIDs)");
  }

  private static String what(Endpoint e) {
    return switch (e.type()) {
      case NUMA -> "a NUMA node";
      case GPU -> "an NVIDIA GPU";
      case PCI -> "a PCI function";
      case RDMA -> "an RDMA port";
      case ADDRESS -> "an address";
    };
  }

  private static String list(java.util.stream.Stream<String> values) {
    List<String> all = values.toList();
    String shown = String.join(", ", all.subList(0, Math.min(LISTED, all.size())));
    return all.size() > LISTED ? shown + " and " + (all.size() - LISTED) + " more" : shown;
  }

  /** A GID as an IP address (IPv4 for an IPv4-mapped one), null when it is not a full GID. */
  static InetAddress gidAddress(String gid) {
    return gid != null && GID.matcher(gid).matches() ? literal(gid) : null;
  }

  /**
   * An IP literal as an address, null when it is not one. Only literals reach {@link
   * InetAddress#getByName} (the patterns here and in {@link Endpoint}), so no resolver is asked.
   */
  private static InetAddress literal(String ip) {
    try {
      return InetAddress.getByName(ip);
    } catch (UnknownHostException | SecurityException e) {
      return null;
    }
  }

  private static String text(InetAddress a) {
    return a.getHostAddress().toLowerCase(Locale.ROOT);
  }
}
