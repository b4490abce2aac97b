package dev.fabricscope.plans;

import dev.fabricscope.p2p.Device;
import dev.fabricscope.p2p.FastMatrix;
import dev.fabricscope.p2p.MapType;
import dev.fabricscope.p2p.P2pAnalyzer;
import dev.fabricscope.p2p.SmiLabel;
import dev.fabricscope.planner.PlanResult;
import dev.fabricscope.security.ApiException;
import dev.fabricscope.topology.Report;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A plan version beside the host it was copied from: the device pairs whose kernel verdict or
 * nvidia-smi label changed, and every flow's predicted rate in both.
 *
 * @param pairs pairs (by device id) whose verdicts differ, in the host's matrix order: the first
 *     {@link #MAX_LISTED_PAIRS}
 * @param changedPairs how many pairs' verdicts differ in all, listed or not
 * @param flows per flow of the pattern, the host's and the plan's predicted GB/s
 * @param capacities the host memory capacities both sides were predicted with, and their source
 */
public record PlanComparison(
    List<PairChange> pairs,
    long changedPairs,
    List<FlowChange> flows,
    HostPrediction.Capacities capacities) {

  /** Most matrix devices compared (the all-pairs work is n²). */
  static final int MAX_DEVICES = 2000;

  /**
   * Most changed pairs listed; the rest are counted. One edit ({@code set-iommu}) changes every
   * pair of a host behind ACS ports: 1,999,000 pairs of 2,000 GPUs were a 318 MB answer, and three
   * clients that did not read it ran the server out of heap (sixteenth security review). The plan
   * page shows the count and the first of them.
   */
  static final int MAX_LISTED_PAIRS = 1000;

  /** What one side says of a pair. */
  public record Side(MapType kernel, Integer distance, SmiLabel nvidia) {}

  /** A pair whose verdicts differ. */
  public record PairChange(String a, String b, Side host, Side plan) {}

  /** One flow in both; null where a side has no such flow or no rate. */
  public record FlowChange(String source, String target, Double hostGBps, Double planGBps) {}

  static PlanComparison of(
      Report host,
      Report plan,
      PlanResult hostPlan,
      PlanResult planPlan,
      HostPrediction.Capacities capacities) {
    FastMatrix a = matrix(host);
    FastMatrix b = matrix(plan);
    Map<String, Integer> inPlan = new HashMap<>();
    for (int i = 0; i < b.devices().size(); i++) {
      inPlan.put(b.devices().get(i).key(), i);
    }
    List<PairChange> pairs = new ArrayList<>();
    long changed = 0;
    List<Device> da = a.devices();
    for (int i = 0; i < da.size(); i++) {
      Integer pi = inPlan.get(da.get(i).key());
      for (int j = i + 1; j < da.size(); j++) {
        Integer pj = inPlan.get(da.get(j).key());
        if (pi == null || pj == null) {
          continue;
        }
        Side before = side(a.cell(i, j));
        Side after = side(b.cell(pi, pj));
        if (!before.equals(after) && changed++ < MAX_LISTED_PAIRS) {
          pairs.add(new PairChange(da.get(i).key(), da.get(j).key(), before, after));
        }
      }
    }
    List<FlowChange> flows = new ArrayList<>();
    Map<String, Double> planRates = new HashMap<>();
    for (PlanResult.FlowRate f : planPlan.flows()) {
      planRates.put(f.source() + " " + f.target(), f.predictedGBps());
    }
    for (PlanResult.FlowRate f : hostPlan.flows()) {
      String key = f.source() + " " + f.target();
      flows.add(new FlowChange(f.source(), f.target(), f.predictedGBps(), planRates.remove(key)));
    }
    for (PlanResult.FlowRate f : planPlan.flows()) {
      if (planRates.containsKey(f.source() + " " + f.target())) {
        flows.add(new FlowChange(f.source(), f.target(), null, f.predictedGBps()));
      }
    }
    return new PlanComparison(pairs, changed, flows, capacities);
  }

  private static FastMatrix matrix(Report r) {
    P2pAnalyzer analyzer = new P2pAnalyzer(r);
    // counted before the matrix is built, as /p2p does (fifteenth security review: the matrix of
    // a report over the bound was built first, then refused)
    int n = analyzer.devices().size();
    if (n > MAX_DEVICES) {
      throw new ApiException(
          422, "Too many devices", n + " matrix devices; comparisons stop at " + MAX_DEVICES);
    }
    return new FastMatrix(analyzer);
  }

  private static Side side(FastMatrix.Cell c) {
    return c == null
        ? new Side(null, null, null)
        : new Side(
            c.kernel() == null ? null : c.kernel().mapType(),
            c.kernel() == null ? null : c.kernel().distance(),
            c.nvidia());
  }
}
