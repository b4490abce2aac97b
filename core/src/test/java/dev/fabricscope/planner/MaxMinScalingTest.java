package dev.fabricscope.planner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The filling's cost on plans of thousands of distinct links (a custom flow list on a host of
 * thousands of GPUs and NICs, or gpu-all-to-all below deep switch chains): each round once read
 * every open flow's whole route, rounds × (flows + route lengths) in all, seconds for one plan. A
 * round now reads only the flows of the links saturating in it; the allocation is the same bit for
 * bit as the round-by-round filling, kept here as {@link #reference}.
 */
class MaxMinScalingTest {

  /**
   * 4,096 flows (the most a plan may have), each with a link of its own of a capacity of its own,
   * so that every round freezes one flow, and each also crossing 255 of 4,096 shared links that
   * never fill: 4,096 rounds, about 4·10⁹ route reads the old way (well over the limit here), about
   * 3·10⁷ link visits now.
   */
  @Test
  void thousandsOfRoundsOverLongRoutesStayCheap() {
    Random rnd = new Random(4096);
    int n = Planner.MAX_FLOWS;
    int shared = 4096;
    double[] cap = new double[n + shared];
    int[][] routes = new int[n][];
    for (int f = 0; f < n; f++) {
      cap[f] = 1 + f * 0.37; // flow f's own link: round f + 1 freezes it
      int[] route = new int[256];
      route[0] = f;
      int[] through = rnd.ints(0, shared).distinct().limit(255).toArray();
      for (int k = 0; k < through.length; k++) {
        route[k + 1] = n + through[k];
      }
      routes[f] = route;
    }
    for (int r = n; r < cap.length; r++) {
      cap[r] = 1e9;
    }
    MaxMin.Allocation a =
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> MaxMin.solve(cap, routes));
    for (int f = 0; f < n; f++) {
      assertEquals(f, a.bottleneck()[f]);
    }
  }

  /** Generated instances, many rounds each: the same allocation as the round-by-round filling. */
  @Test
  void generatedInstancesMatchTheRoundByRoundFilling() {
    Random rnd = new Random(20261207);
    for (int run = 0; run < 3000; run++) {
      int m = 1 + rnd.nextInt(run % 10 == 0 ? 400 : 30);
      double[] cap = new double[m];
      for (int r = 0; r < m; r++) {
        // equal capacities (ties), tiny and huge ones, as the planner's links have
        cap[r] =
            switch (rnd.nextInt(5)) {
              case 0 -> 25.0;
              case 1 -> Double.MIN_VALUE * (1 + rnd.nextInt(1000));
              case 2 -> 1e6 * rnd.nextDouble() + 1e-3;
              default -> 0.5 + rnd.nextDouble() * 60;
            };
      }
      int n = 1 + rnd.nextInt(run % 10 == 0 ? 600 : 40);
      int[][] routes = new int[n][];
      for (int f = 0; f < n; f++) {
        int len = rnd.nextInt(8) == 0 ? 0 : 1 + rnd.nextInt(Math.min(m, 8));
        routes[f] = rnd.ints(0, m).distinct().limit(len).toArray();
      }
      MaxMin.Allocation want = reference(cap, routes);
      MaxMin.Allocation got = MaxMin.solve(cap, routes);
      String what = "run " + run + ": " + m + " links, " + n + " flows";
      assertArrayEquals(want.rates(), got.rates(), 0.0, what);
      assertArrayEquals(want.bottleneck(), got.bottleneck(), what);
      assertArrayEquals(want.used(), got.used(), 0.0, what);
      assertArrayEquals(want.flowsOn(), got.flowsOn(), what);
    }
  }

  /** The filling as it was: every open flow raised, and its route read, in every round. */
  static MaxMin.Allocation reference(double[] capacity, int[][] routes) {
    int n = routes.length;
    int m = capacity.length;
    double[] rate = new double[n];
    int[] bottleneck = new int[n];
    boolean[] frozen = new boolean[n];
    double[] left = capacity.clone();
    int[] active = new int[m];
    int[] flowsOn = new int[m];
    int open = 0;
    for (int f = 0; f < n; f++) {
      bottleneck[f] = -1;
      for (int r : routes[f]) {
        active[r]++;
        flowsOn[r]++;
      }
      if (routes[f].length == 0) {
        frozen[f] = true;
        rate[f] = Double.POSITIVE_INFINITY;
      } else {
        open++;
      }
    }
    boolean[] saturated = new boolean[m];
    while (open > 0) {
      double delta = Double.POSITIVE_INFINITY;
      int tightest = -1;
      for (int r = 0; r < m; r++) {
        if (active[r] > 0 && (tightest < 0 || left[r] / active[r] < delta)) {
          delta = left[r] / active[r];
          tightest = r;
        }
      }
      for (int f = 0; f < n; f++) {
        if (!frozen[f]) {
          rate[f] += delta;
        }
      }
      for (int r = 0; r < m; r++) {
        if (active[r] > 0) {
          left[r] -= delta * active[r];
          saturated[r] = left[r] <= 1e-9 * capacity[r];
        }
      }
      saturated[tightest] = true;
      for (int f = 0; f < n; f++) {
        if (frozen[f]) {
          continue;
        }
        int at = -1;
        for (int r : routes[f]) {
          if (saturated[r] && (at < 0 || capacity[r] < capacity[at])) {
            at = r;
          }
        }
        if (at >= 0) {
          frozen[f] = true;
          bottleneck[f] = at;
          open--;
          for (int r : routes[f]) {
            active[r]--;
          }
        }
      }
    }
    double[] used = new double[m];
    for (int f = 0; f < n; f++) {
      for (int r : routes[f]) {
        used[r] += rate[f];
      }
    }
    return new MaxMin.Allocation(rate, bottleneck, used, flowsOn);
  }
}
