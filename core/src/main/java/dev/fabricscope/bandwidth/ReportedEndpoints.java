package dev.fabricscope.bandwidth;

import dev.fabricscope.topology.Host;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.RdmaDevice;
import dev.fabricscope.topology.Report;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The endpoints a host's report says it has, so that a test naming one it lacks is refused before
 * it is queued rather than sent to an agent (eighth review, finding 4).
 *
 * <ul>
 *   <li>{@code numa:N}: a node of the report's host; a report without nodes (a kernel without NUMA)
 *       has node 0 only, which stands for the whole machine as on the agent ({@code NumaNodes}).
 *   <li>{@code gpu:N} and a BDF: a device as {@link Expectations#bdfOf} finds it (the N-th NVIDIA
 *       GPU in PCI bus order, the helpers' order).
 *   <li>{@code rdma:NAME:PORT}: a device of that name with that port.
 *   <li>{@code addr:IP}: any address ({@link Endpoint#parse} checked its form). A report lists no
 *       IP addresses of network interfaces (their {@code address} is the MAC), only RDMA ports'
 *       GIDs, so holding an address to the report would refuse every TCP test between hosts without
 *       RoCE. Where a run side may connect is bounded by its agent instead (the agent's {@code
 *       PeerNetworks}: private, on-link or operator-listed networks only).
 * </ul>
 */
public final class ReportedEndpoints {

  /** Most values a refusal lists. */
  static final int LISTED = 16;

  private final Report report;
  private final Set<Integer> numa = new TreeSet<>();
  private final List<String> gpus = new ArrayList<>();
  private final Set<String> pci = new TreeSet<>();
  private final Set<String> rdma = new TreeSet<>();

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
      }
    }
  }

  /** What {@code report} says its host has. */
  public static ReportedEndpoints of(Report report) {
    return new ReportedEndpoints(report);
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
      case ADDRESS -> Optional.empty(); // see the class comment: the agent bounds these
    };
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
}
