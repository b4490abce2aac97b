package dev.fabricscope.planner;

import dev.fabricscope.p2p.Fabric;
import dev.fabricscope.topology.Report;
import java.util.ArrayList;
import java.util.List;

/**
 * The planner's entry (issue 13): concurrent flows over a host's shared links, each at its max-min
 * fair rate ({@link MaxMin}, planner-facts.md §6), routed as the kernel routes them ({@link
 * Router}), with the GPU↔NIC↔NVMe pairing ({@link GpuPairing}). Build one per report; it indexes
 * the report once ({@link Fabric}, the path model) and every plan reuses that index. Not
 * thread-safe.
 *
 * <pre>{@code
 * PlanResult r = new Planner(report).plan(Pattern.GPU_TO_NIC, PlanOptions.DEFAULTS);
 * }</pre>
 */
public final class Planner {

  /**
   * Most flows of one plan, a pattern's or a custom list: {@code gpu-all-to-all} is N·(N−1) flows,
   * so 4,096 admits 64 GPUs in one host (the largest hosts have 16). A report may list thousands of
   * GPUs; without this bound their all-to-all alone would be millions of flows and gigabytes.
   */
  public static final int MAX_FLOWS = 4096;

  /**
   * Most GPU × candidate pairs the pairing ranks: GPUs × (NIC ports + NVMe controllers), checked
   * before any pairing work ({@link PairLimitException}). The pairing classes every such pair (a
   * path lookup, about 2 µs, and an entry of memory), so without a bound one valid report of 8,000
   * GPUs and 8,000 NICs (12.6 MB, under the 16 MiB report limit) cost minutes of CPU and more heap
   * than the server has. 65,536 is 64 times the largest real host (16 GPUs × (32 NIC ports + 32
   * NVMe drives) = 1,024) and about 0.1 s of pairing; it admits, say, 256 GPUs with 256 NICs, or
   * the 4,096 GPUs a gpu-to-nic plan may have with 16 NICs.
   */
  public static final int MAX_PAIRS = 65_536;

  /**
   * Most link visits of one plan's max-min filling, min(flows, links) × links ({@link MaxMin}: a
   * round per frozen bottleneck at most, each scanning the links), checked after routing and before
   * the filling ({@link FillLimitException}). Flows alone do not bound it: a custom list of 4,096
   * flows, each to devices of its own on a host of thousands, crosses thousands of distinct links.
   * 2²⁶ (about 0.1 s, as {@link #MAX_PAIRS} is of pairing) admits every plan of 4,096 flows over up
   * to 16,384 links: each pattern of a host within the pair bound (4,096 GPUs below switches of
   * their own cross about 8,200), a custom list of 4,096 flows between 3,000 GPUs and 3,000 NICs
   * (9,000), and real hosts by far (hundreds).
   */
  public static final long MAX_FILL_VISITS = 1L << 26;

  private final Fabric fabric;
  private List<GpuPairing> pairing;

  public Planner(Report report) {
    this.fabric = new Fabric(report);
  }

  /**
   * Every GPU's NIC port and NVMe (computed once).
   *
   * @throws PairLimitException when the host has more GPU pairs than {@link #MAX_PAIRS}
   */
  public List<GpuPairing> pairing() {
    if (pairing == null) {
      pairing = new Pairing(fabric).pairing();
    }
    return pairing;
  }

  /**
   * The flows of a pattern on this host, with the pairing they follow.
   *
   * @throws FlowLimitException when the pattern is more than {@link #MAX_FLOWS} flows here
   * @throws PairLimitException when the host has more GPU pairs than {@link #MAX_PAIRS}
   */
  public List<Flow> flows(Pattern pattern) {
    List<Flow> out = new ArrayList<>();
    // counted from the report, before the pairing: that is the costly part
    long n = fabric.report().gpus().size();
    long count = pattern == Pattern.GPU_ALL_TO_ALL ? n * (n - 1) : n;
    FlowLimitException.check(pattern.cliName(), count, n);
    List<GpuPairing> gpus = pairing();
    switch (pattern) {
      case GPU_TO_NIC -> {
        for (GpuPairing p : gpus) {
          if (p.nic() != null) {
            out.add(
                new Flow(FlowEnd.device(p.gpu()), FlowEnd.network(p.nic(), p.rdma(), p.port())));
          }
        }
      }
      case GPU_TO_HOST -> {
        for (GpuPairing p : gpus) {
          // a GPU whose node is unknown writes to node 0's memory (single-node hosts)
          Integer node = p.numaNode();
          out.add(new Flow(FlowEnd.device(p.gpu()), FlowEnd.memory(node == null ? 0 : node)));
        }
      }
      case GPU_ALL_TO_ALL -> {
        for (GpuPairing a : gpus) {
          for (GpuPairing b : gpus) {
            if (!a.gpu().equals(b.gpu())) {
              out.add(new Flow(FlowEnd.device(a.gpu()), FlowEnd.device(b.gpu())));
            }
          }
        }
      }
      case NVME_TO_GPU -> {
        for (GpuPairing p : gpus) {
          if (p.nvme() != null) {
            out.add(new Flow(FlowEnd.device(p.nvme()), FlowEnd.device(p.gpu())));
          }
        }
      }
    }
    return out;
  }

  /** A pattern's prediction, with the pairing. */
  public PlanResult plan(Pattern pattern, PlanOptions options) {
    PlanResult r = plan(flows(pattern), options);
    return new PlanResult(pairing(), r.flows(), r.links());
  }

  /**
   * A custom flow list's prediction (no pairing in the result).
   *
   * @throws IllegalArgumentException when a flow names a device the report does not have, or there
   *     are more than {@link #MAX_FLOWS}
   * @throws FillLimitException when the flows cross more links than {@link #MAX_FILL_VISITS} lets
   *     the filling visit
   */
  public PlanResult plan(List<Flow> flows, PlanOptions options) {
    if (flows.size() > MAX_FLOWS) {
      throw new IllegalArgumentException("at most " + MAX_FLOWS + " flows");
    }
    Router router = new Router(fabric, options == null ? PlanOptions.DEFAULTS : options);
    int[][] routes = new int[flows.size()][];
    for (int i = 0; i < routes.length; i++) {
      Flow f = flows.get(i);
      check(f.source());
      check(f.target());
      routes[i] = router.route(f);
    }
    List<Router.Link> links = router.links();
    // routing was linear in the flows' routes; the filling is not, so it is bounded here, before it
    FillLimitException.check(routes.length, links.size());
    double[] cap = new double[links.size()];
    for (int i = 0; i < cap.length; i++) {
      cap[i] = links.get(i).gbps();
    }
    MaxMin.Allocation a = MaxMin.solve(cap, routes);
    List<PlanResult.LinkLoad> loads = new ArrayList<>(cap.length);
    for (int i = 0; i < cap.length; i++) {
      Router.Link l = links.get(i);
      loads.add(
          new PlanResult.LinkLoad(
              l.kind(),
              l.upstream(),
              l.downstream(),
              l.direction(),
              l.gbps(),
              round2(a.used()[i]),
              a.flowsOn()[i]));
    }
    List<PlanResult.FlowRate> rates = new ArrayList<>(flows.size());
    for (int i = 0; i < routes.length; i++) {
      Flow f = flows.get(i);
      int b = a.bottleneck()[i];
      rates.add(
          new PlanResult.FlowRate(
              f.source().label(),
              f.target().label(),
              b < 0 ? null : round2(a.rates()[i]),
              b < 0 ? null : loads.get(b)));
    }
    return new PlanResult(List.of(), rates, loads);
  }

  private void check(FlowEnd e) {
    if (e.bdf() != null && fabric.function(e.bdf()) == null) {
      throw new IllegalArgumentException("no device " + e.bdf() + " in the report");
    }
  }

  private static double round2(double v) {
    return Math.round(v * 100.0) / 100.0;
  }
}
