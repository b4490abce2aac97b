package dev.fabricscope.bandwidth;

import dev.fabricscope.p2p.Fabric;
import dev.fabricscope.path.PcieLink;
import dev.fabricscope.planner.Flow;
import dev.fabricscope.planner.FlowEnd;
import dev.fabricscope.planner.PlanOptions;
import dev.fabricscope.planner.PlanResult;
import dev.fabricscope.planner.Planner;
import dev.fabricscope.topology.Report;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The expected value of each flow of a test with concurrent flows ({@link
 * BandwidthSpec#concurrent()}): the planner's max-min fair prediction of exactly those flows on the
 * host's report ({@link Planner#plan(List, PlanOptions)}, the code behind {@code GET
 * /api/v1/hosts/{h}/prediction?flow=SRC>DST}), times the efficiency of the kind.
 *
 * <p>How the efficiency applies: the planner's PCIe capacities are already after TLP overhead
 * ({@link PcieLink#usableGBps()}), while a kind's efficiency ({@link Efficiencies}) is a share of
 * the raw rate. So a flow whose bottleneck is a PCIe link expects its planner share of that link
 * (rate / usable capacity) of the link's raw rate times the efficiency; one flow alone then expects
 * exactly what {@link Expectations} gives it. A flow held back by host memory or the inter-socket
 * link (capacities that are measured or already derated) expects its planner rate as it is; by host
 * memory whose capacity is the planner's default (no measurement of this host), nothing, as a
 * single host copy without a measurement expects nothing.
 */
public final class FlowExpectations {

  private final Efficiencies eff;

  public FlowExpectations(Efficiencies eff) {
    this.eff = eff;
  }

  /**
   * Every flow's expectation, the test's own first.
   *
   * @param spec the test, with its concurrent flows
   * @param report the host's report, null when none is stored
   * @param options the capacities the prediction API would use for this host
   */
  public List<Expectation> expect(BandwidthSpec spec, Report report, PlanOptions options) {
    List<BandwidthFlow> flows = spec.flows();
    if (report == null) {
      return flows.stream().map(f -> Expectation.unknown("no report of this host")).toList();
    }
    List<Flow> planned = new ArrayList<>(flows.size());
    for (BandwidthFlow f : flows) {
      FlowEnd s = end(report, f.source());
      FlowEnd t = end(report, f.target());
      if (s == null || t == null) {
        String why =
            (s == null ? f.source() : f.target()) + " is not a device of this host's report";
        return flows.stream().map(x -> Expectation.unknown(why)).toList();
      }
      planned.add(new Flow(s, t));
    }
    PlanResult plan = new Planner(report).plan(planned, options);
    Fabric fabric = new Fabric(report);
    double efficiency = efficiency(spec.kind());
    List<Expectation> out = new ArrayList<>(flows.size());
    for (PlanResult.FlowRate r : plan.flows()) {
      out.add(one(r, fabric, efficiency, flows.size(), options));
    }
    return out;
  }

  /** The planner's flow name of a test's endpoint: a device's BDF, or {@code memory:N}. */
  static FlowEnd end(Report report, Endpoint e) {
    if (e.type() == Endpoint.Type.NUMA) {
      return FlowEnd.memory(e.index());
    }
    String bdf = Expectations.bdfOf(report, e);
    return bdf == null ? null : FlowEnd.device(bdf);
  }

  private Expectation one(
      PlanResult.FlowRate r, Fabric fabric, double efficiency, int n, PlanOptions options) {
    if (r.predictedGBps() == null || r.bottleneck() == null) {
      return Expectation.unknown("no capacity known on the way of " + r.source());
    }
    PlanResult.LinkLoad b = r.bottleneck();
    if (b.kind().equals("memory") && !memoryKnown(b.downstream(), options)) {
      // as for one host copy: another host's default says nothing about this host's memory
      return Expectation.unknown(
          "no host memory bandwidth measured on this host yet (the planner's default "
              + b.capacityGBps()
              + " GB/s of "
              + b.downstream()
              + " is another host's)");
    }
    String where = b.upstream() + "-" + b.downstream();
    PcieLink link = b.kind().equals("pcie") ? fabric.paths().link(b.downstream()) : null;
    if (link == null || link.rawGBps() == null || b.capacityGBps() <= 0) {
      return new Expectation(
          round2(r.predictedGBps()),
          where,
          String.format(
              Locale.ROOT,
              "planner: %.2f GB/s, max-min share of %s (%s, %.2f GB/s, %d of %d flows)",
              r.predictedGBps(),
              where,
              b.kind(),
              b.capacityGBps(),
              b.flows(),
              n));
    }
    double share = r.predictedGBps() / b.capacityGBps();
    return new Expectation(
        round2(share * link.rawGBps() * efficiency),
        where,
        String.format(
            Locale.ROOT,
            "planner: %.2f of %.2f GB/s usable on %s (%d of %d flows) = share %.3f x raw %.2f GB/s"
                + " x efficiency %.2f",
            r.predictedGBps(),
            b.capacityGBps(),
            where,
            b.flows(),
            n,
            share,
            link.rawGBps(),
            efficiency));
  }

  /** Whether the capacity of {@code numa:N} is an override or this host's measurement. */
  private static boolean memoryKnown(String node, PlanOptions options) {
    PlanOptions o = options == null ? PlanOptions.DEFAULTS : options;
    if (o.memoryGBps() != null) {
      return true;
    }
    try {
      return o.memoryGBpsByNode().containsKey(Integer.parseInt(node.substring("numa:".length())));
    } catch (RuntimeException e) {
      return false;
    }
  }

  private double efficiency(BandwidthKind kind) {
    return switch (kind) {
      case NVME_READ -> eff.nvmeRead();
      case GPU_H2D, GPU_D2H -> eff.gpuCopy();
      default -> 1.0; // host copies: the memory capacity is itself a measured copy rate
    };
  }

  private static double round2(double v) {
    return Math.round(v * 100.0) / 100.0;
  }
}
