package dev.fabricscope.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.importer.Importers;
import dev.fabricscope.oracle.Fixtures;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The review of 2026-12-06: a subnormal capacity (memoryGBps=7e-321) made EPS × capacity 0, so no
 * link counted as saturated and filling threw "made no progress" (a 500). Filling now freezes the
 * tightest link every round; the max-min properties hold to within the rounding of the scale.
 */
class MaxMinTinyCapacitiesTest {

  private static final double REL = 1e-6;

  @Test
  void subnormalCapacitiesAreFilled() {
    for (double cap : new double[] {7e-321, 4.9e-324, Double.MIN_VALUE, Double.MIN_NORMAL / 3}) {
      for (int flows = 1; flows <= 5; flows++) {
        int[][] routes = new int[flows][];
        for (int f = 0; f < flows; f++) {
          routes[f] = f % 2 == 0 ? new int[] {0, 1} : new int[] {1};
        }
        double[] capacity = {cap, 2 * cap};
        check(capacity, routes, MaxMin.solve(capacity, routes));
      }
    }
  }

  @Test
  void theDgx2PlansWithSubnormalOverrides() throws Exception {
    var dgx2 = Importers.load(Fixtures.root().resolve("hwloc-xml").resolve("nvidiaDGX2.xml"));
    for (double v : new double[] {7e-321, 4.9e-324}) {
      PlanResult r = new Planner(dgx2).plan(Pattern.GPU_TO_HOST, new PlanOptions(v, v));
      assertEquals(16, r.flows().size());
      r.flows().forEach(f -> assertTrue(f.bottleneck() != null, f.toString()));
    }
  }

  /** Capacities from subnormal to 1e300 mixed on one instance, random routes. */
  @Test
  void generatedExtremeInstances() {
    Random rnd = new Random(7321);
    assertTimeoutPreemptively(
        Duration.ofSeconds(30),
        () -> {
          for (int run = 0; run < 3000; run++) {
            int m = 1 + rnd.nextInt(12);
            double[] cap = new double[m];
            for (int r = 0; r < m; r++) {
              cap[r] =
                  switch (rnd.nextInt(4)) {
                    case 0 -> Double.MIN_VALUE * (1 + rnd.nextInt(5000));
                    case 1 -> Double.MIN_NORMAL * rnd.nextDouble() + Double.MIN_VALUE;
                    case 2 -> Math.pow(10, rnd.nextInt(600) - 300) * (1 + rnd.nextDouble());
                    default -> 0.001 + rnd.nextDouble() * 100;
                  };
            }
            int n = 1 + rnd.nextInt(20);
            int[][] routes = new int[n][];
            for (int f = 0; f < n; f++) {
              routes[f] =
                  rnd.ints(0, m).distinct().limit(1 + rnd.nextInt(Math.min(m, 4))).toArray();
            }
            check(cap, routes, MaxMin.solve(cap, routes));
          }
        });
  }

  /**
   * No link over capacity, every flow bottlenecked on a saturated link of its route where none gets
   * more; tolerances relative (1e-6) plus a few units in the last place per flow and link
   * (subnormals have few significant bits).
   */
  private static void check(double[] cap, int[][] routes, MaxMin.Allocation a) {
    double ulps = 4.0 * Double.MIN_VALUE * routes.length * (cap.length + 1);
    double[] used = new double[cap.length];
    for (int f = 0; f < routes.length; f++) {
      for (int r : routes[f]) {
        used[r] += a.rates()[f];
      }
    }
    for (int r = 0; r < cap.length; r++) {
      assertTrue(used[r] <= cap[r] * (1 + REL) + ulps, "link " + r + " over capacity");
    }
    for (int f = 0; f < routes.length; f++) {
      int b = a.bottleneck()[f];
      assertTrue(b >= 0, "flow " + f + " has a bottleneck");
      int at = b;
      assertTrue(java.util.Arrays.stream(routes[f]).anyMatch(x -> x == at), "on its route");
      assertTrue(a.rates()[f] >= 0, "a rate is never negative");
      assertTrue(used[b] >= cap[b] * (1 - REL) - ulps, "the bottleneck " + b + " is saturated");
      for (int g = 0; g < routes.length; g++) {
        if (java.util.Arrays.stream(routes[g]).anyMatch(x -> x == at)) {
          assertTrue(a.rates()[g] <= a.rates()[f] * (1 + REL) + ulps, "no flow on it gets more");
        }
      }
    }
  }
}
