package dev.fabricscope.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.path.HostBuilder;
import dev.fabricscope.topology.Report;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Custom flow lists skipped the planner's pair bound: a list is at most {@link Planner#MAX_FLOWS}
 * flows, but on a host of thousands of devices each flow can reach links of its own, and the
 * filling's cost grows with flows × links. A list whose links are over {@link
 * Planner#MAX_FILL_VISITS} is refused after routing, before the filling; one within it plans.
 */
class PlannerFillBoundTest {

  /**
   * {@code gpus} GPUs, each below a chain of {@code depth} switches of its own under a root port of
   * its own (all on NUMA node 0): a GPU's route to the host crosses depth + 1 links.
   */
  static Report chains(int gpus, int depth) {
    HostBuilder b = HostBuilder.host();
    for (int i = 0; i < gpus; i++) {
      String parent = String.format("%04x:00:00.0", i);
      b.rootPort(parent, 0);
      for (int d = 0; d < depth; d++) {
        String up = String.format("%04x:%02x:00.0", i, 2 * d + 1);
        String down = String.format("%04x:%02x:00.0", i, 2 * d + 2);
        b.switchUp(up, parent, 16, 16).switchDown(down, up);
        parent = down;
      }
      b.gpu(gpu(i, depth), parent, 16, 16);
    }
    return b.build();
  }

  static String gpu(int i, int depth) {
    return String.format("%04x:%02x:00.0", i, 2 * depth + 1);
  }

  /** Flow k from GPU k mod n to GPU k + 1 mod n: each GPU a source once and a target once. */
  static List<Flow> ring(int gpus, int depth, int flows) {
    List<Flow> out = new ArrayList<>();
    for (int k = 0; k < flows; k++) {
      out.add(
          new Flow(
              FlowEnd.device(gpu(k % gpus, depth)), FlowEnd.device(gpu((k + 1) % gpus, depth))));
    }
    return out;
  }

  @Test
  void thousandsOfFlowsOverThousandsOfLinksAreRefusedBeforeTheFilling() {
    Report r = chains(4096, 2); // 4,096 flows over 2 × 4,096 × 3 = 24,576 links
    FillLimitException e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(10),
            () ->
                assertThrows(
                    FillLimitException.class,
                    () -> new Planner(r).plan(ring(4096, 2, 4096), PlanOptions.DEFAULTS)));
    assertEquals(
        "4096 flows over 24576 distinct links (100663296 link visits to fill); the planner fills"
            + " at most 67108864 (min(flows, links) × links)",
        e.getMessage());
    assertEquals(4096, e.flows());
    assertEquals(24576, e.links());
  }

  @Test
  void fewerFlowsOnTheSameHostArePlanned() {
    Report r = chains(4096, 2);
    PlanResult p = new Planner(r).plan(ring(4096, 2, 2048), PlanOptions.DEFAULTS);
    assertEquals(2048, p.flows().size());
    assertEquals(2 * 2048 * 3, p.links().size()); // 2,048 sources' links up, 2,048 targets' down
  }

  @Test
  void aCustomListOnAHostOfThousandsOfGpusAndNicsIsPlannedQuickly() {
    Report big = PlannerPairsBoundTest.host(3000, 3000, 0); // over the pair bound for patterns
    List<Flow> flows = new ArrayList<>();
    for (int k = 0; k < Planner.MAX_FLOWS; k++) {
      String g = String.format("%04x:01:00.0", k % 3000);
      String n = String.format("%04x:01:00.0", 3000 + k % 3000);
      flows.add(new Flow(FlowEnd.device(g), FlowEnd.network(n, null, null)));
    }
    PlanResult p =
        assertTimeoutPreemptively(
            Duration.ofSeconds(10), () -> new Planner(big).plan(flows, PlanOptions.DEFAULTS));
    assertEquals(Planner.MAX_FLOWS, p.flows().size());
    assertEquals(9000, p.links().size()); // each GPU's link, each NIC's link and port
  }

  /**
   * Generated hosts and lists on both sides of the bound: refused exactly when min(flows, links) ×
   * links exceeds it, the links counted from the construction; otherwise planned over those links.
   */
  @Test
  void generatedListsFollowTheRule() {
    Random rnd = new Random(20261207);
    int[] refused = {0};
    int[] planned = {0};
    assertTimeoutPreemptively(
        Duration.ofSeconds(120),
        () -> {
          for (int run = 0; run < 16; run++) {
            int depth = rnd.nextInt(run % 2 == 0 ? 6 : 3);
            int gpus = run % 2 == 0 ? 1500 + rnd.nextInt(1500) : 2 + rnd.nextInt(300);
            Report r = chains(gpus, depth);
            for (int tries = 0; tries < 3; tries++) {
              int n = 1 + rnd.nextInt(Planner.MAX_FLOWS);
              n = run % 2 == 0 ? Math.max(n, 1024) : n;
              // distinct sources and targets: min(n, gpus) each, every one crossing its chain
              int links = 2 * Math.min(n, gpus) * (depth + 1);
              long visits = (long) Math.min(n, links) * links;
              List<Flow> flows = ring(gpus, depth, n);
              String what = gpus + " GPUs, depth " + depth + ", " + n + " flows, " + links;
              if (visits > Planner.MAX_FILL_VISITS) {
                FillLimitException e =
                    assertThrows(
                        FillLimitException.class,
                        () -> new Planner(r).plan(flows, PlanOptions.DEFAULTS),
                        what);
                assertEquals(links, e.links(), what);
                refused[0]++;
                continue;
              }
              PlanResult p = new Planner(r).plan(flows, PlanOptions.DEFAULTS);
              assertEquals(links, p.links().size(), what);
              assertTrue(p.flows().stream().allMatch(f -> f.predictedGBps() != null), what);
              planned[0]++;
            }
          }
        });
    // both sides of the bound were generated
    assertTrue(refused[0] > 0 && planned[0] > 0, refused[0] + " refused, " + planned[0]);
  }
}
