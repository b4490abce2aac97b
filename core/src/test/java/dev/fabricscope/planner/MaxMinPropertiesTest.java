package dev.fabricscope.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.p2p.Fabric;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.Report;
import dev.fabricscope.topology.SyntheticHosts;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Generated flow sets: rates never exceed a link's capacity, and every flow has a saturated
 * bottleneck on which no other flow gets more (the max-min optimality condition, planner-facts.md
 * §6).
 */
class MaxMinPropertiesTest {

  private static final double TOL = 1e-6;

  @Test
  void randomInstances() {
    Random rnd = new Random(13);
    for (int run = 0; run < 2000; run++) {
      int m = 1 + rnd.nextInt(20);
      double[] cap = new double[m];
      for (int r = 0; r < m; r++) {
        cap[r] = 0.5 + rnd.nextDouble() * 60;
      }
      int n = 1 + rnd.nextInt(30);
      int[][] routes = new int[n][];
      for (int f = 0; f < n; f++) {
        routes[f] = rnd.ints(0, m).distinct().limit(1 + rnd.nextInt(Math.min(m, 6))).toArray();
      }
      check(cap, routes, MaxMin.solve(cap, routes));
    }
  }

  @Test
  void randomFlowsOnASyntheticHost() {
    Report host = SyntheticHosts.nestedSwitches("prop", 200);
    List<String> devices = new ArrayList<>();
    for (PciFunction f : host.pci()) {
      if (f.kind() != null && f.portType() == dev.fabricscope.topology.PortType.ENDPOINT) {
        devices.add(f.bdf());
      }
    }
    Random rnd = new Random(42);
    Fabric fabric = new Fabric(host);
    for (int run = 0; run < 200; run++) {
      List<Flow> flows = new ArrayList<>();
      for (int i = 0, n = 1 + rnd.nextInt(64); i < n; i++) {
        FlowEnd s = FlowEnd.device(devices.get(rnd.nextInt(devices.size())));
        FlowEnd t =
            rnd.nextInt(4) == 0
                ? FlowEnd.memory(rnd.nextInt(2))
                : FlowEnd.device(devices.get(rnd.nextInt(devices.size())));
        flows.add(rnd.nextBoolean() ? new Flow(s, t) : new Flow(t, s));
      }
      Router router = new Router(fabric, new PlanOptions(20.0 + rnd.nextInt(40), null));
      int[][] routes = flows.stream().map(router::route).toArray(int[][]::new);
      double[] cap = router.links().stream().mapToDouble(Router.Link::gbps).toArray();
      check(cap, routes, MaxMin.solve(cap, routes));
      // and the public result agrees with its own links
      PlanResult r = new Planner(host).plan(flows, PlanOptions.DEFAULTS);
      for (PlanResult.LinkLoad l : r.links()) {
        assertTrue(l.usedGBps() <= l.capacityGBps() + 0.01 * l.flows(), l.toString());
      }
    }
  }

  private static void check(double[] cap, int[][] routes, MaxMin.Allocation a) {
    double[] used = new double[cap.length];
    for (int f = 0; f < routes.length; f++) {
      for (int r : routes[f]) {
        used[r] += a.rates()[f];
      }
    }
    for (int r = 0; r < cap.length; r++) {
      assertTrue(used[r] <= cap[r] * (1 + TOL), "link " + r + " over capacity");
      assertEquals(used[r], a.used()[r], 1e-6);
    }
    for (int f = 0; f < routes.length; f++) {
      int b = a.bottleneck()[f];
      if (routes[f].length == 0) {
        assertEquals(-1, b);
        continue;
      }
      assertTrue(b >= 0, "flow " + f + " has a bottleneck");
      assertTrue(contains(routes[f], b), "its bottleneck is on its route");
      assertEquals(cap[b], used[b], cap[b] * TOL, "the bottleneck is saturated");
      for (int g = 0; g < routes.length; g++) {
        if (contains(routes[g], b)) {
          assertTrue(a.rates()[g] <= a.rates()[f] * (1 + TOL), "no flow on it gets more");
        }
      }
    }
  }

  private static boolean contains(int[] route, int r) {
    for (int x : route) {
      if (x == r) {
        return true;
      }
    }
    return false;
  }
}
