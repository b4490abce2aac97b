package dev.fabricscope.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.path.HostBuilder;
import dev.fabricscope.topology.NvLink;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What a hostile report could make of the planner (the review of 2026-12-06): NVLink counts that
 * overflowed into a negative capacity, on which max-min filling never ended; an all-to-all of
 * thousands of GPUs. Each finishes at once, planned or refused.
 */
class PlannerBoundsTest {

  @Test
  void nvlinkCountsThatWouldOverflowAreCappedAndThePlanEnds() {
    var host =
        PlannerTest.oneSwitch()
            .nvlink(PlannerTest.GPU0, PlannerTest.GPU1, Integer.MAX_VALUE)
            .nvlink(PlannerTest.GPU0, PlannerTest.GPU1, 1)
            .build();
    PlanResult r =
        assertTimeoutPreemptively(
            Duration.ofSeconds(5),
            () -> new Planner(host).plan(Pattern.GPU_ALL_TO_ALL, PlanOptions.DEFAULTS));
    assertEquals(2, r.flows().size());
    for (PlanResult.FlowRate f : r.flows()) {
      assertTrue(f.predictedGBps() > 0, f.toString());
      assertEquals(
          NvLink.MAX_COUNT * LinkRates.NVLINK_LINK_GBPS,
          f.bottleneck().capacityGBps(),
          1e-6,
          "the bond counts as " + NvLink.MAX_COUNT + " links");
    }
  }

  @Test
  void anAllToAllOfMoreFlowsThanAPlanMayHaveIsRefused() {
    HostBuilder b = HostBuilder.host().rootPort("0000:00:01.0", 0);
    int gpus = 65; // 65 · 64 = 4,160 flows
    for (int i = 0; i < gpus; i++) {
      b.switchDown(String.format("0000:00:%02x.%d", 2 + i / 8, i % 8), "0000:00:01.0");
      b.gpu(
          String.format("0000:%02x:00.0", 16 + i),
          String.format("0000:00:%02x.%d", 2 + i / 8, i % 8),
          16,
          16);
    }
    Planner p = new Planner(b.build());
    FlowLimitException e =
        assertThrows(
            FlowLimitException.class, () -> p.plan(Pattern.GPU_ALL_TO_ALL, PlanOptions.DEFAULTS));
    assertEquals(
        "gpu-all-to-all on this host is 4160 flows (65 GPUs), more than the 4096 a plan may have",
        e.getMessage());
    assertEquals(4160, e.flows());
    assertEquals(65, p.plan(Pattern.GPU_TO_HOST, PlanOptions.DEFAULTS).flows().size());
  }

  @Test
  void capacitiesMaxMinCannotFillAreRefused() {
    int[][] one = {{0}};
    for (double bad :
        new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      assertThrows(
          IllegalArgumentException.class, () -> MaxMin.solve(new double[] {bad}, one), "" + bad);
    }
  }

  /** Random positive capacities, some tiny or huge, random routes: filling always ends. */
  @Test
  void fillingEndsOnGeneratedInstances() {
    Random rnd = new Random(20261206);
    assertTimeoutPreemptively(
        Duration.ofSeconds(20),
        () -> {
          for (int i = 0; i < 2000; i++) {
            int m = 1 + rnd.nextInt(30);
            double[] cap = new double[m];
            for (int r = 0; r < m; r++) {
              cap[r] = Math.pow(10, rnd.nextInt(25) - 12) * (1 + rnd.nextDouble());
            }
            int[][] routes = new int[1 + rnd.nextInt(40)][];
            for (int f = 0; f < routes.length; f++) {
              routes[f] =
                  rnd.ints(0, m).distinct().limit(rnd.nextInt(Math.min(m, 5) + 1)).toArray();
            }
            MaxMin.Allocation a = MaxMin.solve(cap, routes);
            for (int f = 0; f < routes.length; f++) {
              assertTrue(routes[f].length == 0 || a.rates()[f] > 0, "instance " + i);
            }
          }
        });
  }
}
