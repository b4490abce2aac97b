package dev.fabricscope.plans;

import dev.fabricscope.inventory.BandwidthJobStore;
import dev.fabricscope.inventory.BandwidthJobStore.NodeMemcpy;
import dev.fabricscope.planner.LinkRates;
import dev.fabricscope.planner.PlanOptions;
import dev.fabricscope.planner.PlanResult;
import dev.fabricscope.topology.Report;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Host memory capacities of a stored host for the planner: the request's {@code memoryGBps} for
 * every node when given; else per NUMA node the fastest host-memcpy that the bandwidth tests
 * measured within that node (source node = target node; passed or measured, never warned or failed;
 * any thread count); else {@link LinkRates#DEFAULT_MEMORY_GBPS}.
 *
 * <p>Why a copy rate is a capacity per direction: a copy at X GB/s (each byte counted once, as the
 * agent's membw helper counts it) reads X and writes X at once, so X per direction is a lower bound
 * of what a DMA flow, which only reads or only writes host memory, can get from that node. A copy
 * across nodes also crosses the inter-socket link, so only copies within a node count.
 *
 * <p>A plan predicts with the capacities of the host it was copied from (its version prediction,
 * preview and comparison with the host, both sides alike): its edits move devices, switches and
 * links, never a NUMA node's memory.
 *
 * <p>Host selection ({@code POST /api/v1/plans/select}) keeps the default: its offers plan the
 * gpu-to-nic pattern only, whose flows never cross a memory link, so memory capacity cannot change
 * them. The NCCL topology of a pairing does not depend on capacities either.
 */
@ApplicationScoped
public class MemoryCapacities {

  @Inject BandwidthJobStore jobs;

  /**
   * A host's planner options and the measurements they use.
   *
   * @param options the capacities for the planner
   * @param measured the host-memcpy results they took
   */
  public record Chosen(PlanOptions options, List<NodeMemcpy> measured) {}

  /**
   * The options for {@code host}: the query's overrides, else the host's measurements. The
   * bandwidth tests' expectation of concurrent flows takes the same (no overrides), so a test and
   * the prediction API predict with the same capacities.
   */
  public Chosen choose(String host, String interSocketGBps, String memoryGBps) {
    return choose(host, PlanService.options(interSocketGBps, memoryGBps));
  }

  /** The options for {@code host}: the overrides of {@code query}, else the host's measurements. */
  Chosen choose(String host, PlanOptions query) {
    if (query.memoryGBps() != null) {
      return new Chosen(query, List.of());
    }
    List<NodeMemcpy> measured = jobs.bestHostMemcpyWithinNodes(host);
    Map<Integer, Double> byNode = new HashMap<>();
    for (NodeMemcpy m : measured) {
      byNode.put(m.numaNode(), m.gbps());
    }
    return new Chosen(new PlanOptions(query.interSocketGBps(), null, byNode), measured);
  }

  /**
   * The planner's prediction of a pattern's or a flow list's rates on {@code r} (a host's report or
   * a plan's), with the capacities {@link #choose} takes for {@code host}, and where each node's
   * memory capacity came from.
   */
  HostPrediction predict(
      String host, Report r, String pattern, List<String> flows, PlanOptions query) {
    Chosen chosen = choose(host, query);
    PlanResult result = PlanService.predict(r, pattern, flows, chosen.options());
    return HostPrediction.of(result, capacities(chosen, result));
  }

  /** Where each node's memory capacity in {@code results} (computed with it) came from. */
  static HostPrediction.Capacities capacities(Chosen chosen, PlanResult... results) {
    TreeSet<Integer> nodes = new TreeSet<>();
    for (PlanResult result : results) {
      for (PlanResult.LinkLoad l : result.links()) {
        if (l.kind().equals("memory") && l.downstream().startsWith("numa:")) {
          nodes.add(Integer.parseInt(l.downstream().substring("numa:".length())));
        }
      }
    }
    Map<Integer, NodeMemcpy> measured = new HashMap<>();
    for (NodeMemcpy m : chosen.measured()) {
      measured.put(m.numaNode(), m);
      nodes.add(m.numaNode());
    }
    Double override = chosen.options().memoryGBps();
    List<HostPrediction.NodeMemory> out = new ArrayList<>(nodes.size());
    for (int node : nodes) {
      NodeMemcpy m = measured.get(node);
      if (override != null) {
        out.add(new HostPrediction.NodeMemory(node, override, "override", null, null));
      } else if (m != null) {
        out.add(new HostPrediction.NodeMemory(node, m.gbps(), "measured", m.jobId(), m.threads()));
      } else {
        out.add(
            new HostPrediction.NodeMemory(
                node, LinkRates.DEFAULT_MEMORY_GBPS, "default", null, null));
      }
    }
    return new HostPrediction.Capacities(out);
  }
}
