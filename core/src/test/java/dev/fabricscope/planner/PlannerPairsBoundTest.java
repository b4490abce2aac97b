package dev.fabricscope.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.path.HostBuilder;
import dev.fabricscope.topology.Report;
import dev.fabricscope.topology.SyntheticHosts;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The review of 2026-12-06: one valid report of thousands of GPUs and NICs made the pairing cost
 * time and memory in proportion to their product (a server out of heap). A host over {@link
 * Planner#MAX_PAIRS} is refused before any pairing work; one within it plans, and its GPUs' {@code
 * nicPathClass} hold at most {@link GpuPairing.Attributes#MAX_NICS} NICs each.
 */
class PlannerPairsBoundTest {

  /**
   * {@code gpus} GPUs, {@code nics} NICs and {@code nvmes} NVMe, each below its own root port (root
   * bus per domain), the root ports alternating between NUMA nodes 0 and 1: GPU-NIC classes NODE or
   * SYS.
   */
  static Report host(int gpus, int nics, int nvmes) {
    HostBuilder b = HostBuilder.host();
    int domain = 0;
    for (int i = 0; i < gpus + nics + nvmes; i++, domain++) {
      String rp = String.format("%04x:00:00.0", domain);
      String dev = String.format("%04x:01:00.0", domain);
      b.rootPort(rp, domain % 2);
      if (i < gpus) {
        b.gpu(dev, rp, 16, 16);
      } else if (i < gpus + nics) {
        b.nic(dev, rp, 16, 16, "mlx5_" + (i - gpus), 400);
      } else {
        b.nvme(dev, rp, 16, 16, "nvme" + (i - gpus - nics));
      }
    }
    return b.build();
  }

  @Test
  void thousandsOfGpusAndNicsAreRefusedAtOnce() {
    Report big = host(3000, 3000, 0); // 9,000,000 pairs: about 20 s and gigabytes unbounded
    PairLimitException e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(5),
            () ->
                assertThrows(
                    PairLimitException.class,
                    () -> new Planner(big).plan(Pattern.GPU_TO_NIC, PlanOptions.DEFAULTS)));
    assertEquals(
        "the host has 3000 GPUs, 3000 NICs and 0 NVMe controllers (9000000 GPU pairs to rank);"
            + " the planner pairs at most 65536 (GPUs × (NICs + NVMe controllers))",
        e.getMessage());
    assertEquals(3000, e.gpus());
    assertEquals(3000, e.nics());
    assertEquals(0, e.nvmes());
  }

  @Test
  void nvmeControllersCountToo() {
    Report r = host(200, 8, 320); // 200 × 328 = 65,600
    assertThrows(PairLimitException.class, () -> new Planner(r).pairing());
    assertEquals(200, new Planner(host(200, 8, 319)).pairing().size()); // 65,400
  }

  @Test
  void aHostJustWithinTheBoundPlansAndItsNicMapsAreBounded() {
    Report r = SyntheticHosts.nestedSwitches("edge", 543); // 181 × (181 + 181) = 65,522 pairs
    PlanResult p = new Planner(r).plan(Pattern.GPU_TO_NIC, PlanOptions.DEFAULTS);
    assertEquals(181, p.pairing().size());
    assertEquals(181, p.flows().size());
    for (GpuPairing g : p.pairing()) {
      assertEquals(GpuPairing.Attributes.MAX_NICS, g.attributes().nicPathClass().size());
      assertTrue(g.nic() != null && g.pathClass() != null, g.toString());
    }
    Report over = SyntheticHosts.nestedSwitches("over", 546); // 182 × 364 = 66,248
    assertThrows(
        PairLimitException.class,
        () -> new Planner(over).plan(Pattern.GPU_TO_HOST, PlanOptions.DEFAULTS));
  }

  @Test
  void theFlowCountIsCheckedFromTheGpusBeforeThePairing() {
    Planner p = new Planner(host(70, 1000, 0)); // 70,000 pairs and 4,830 all-to-all flows
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> p.flows(Pattern.GPU_ALL_TO_ALL));
    assertTrue(
        e.getMessage().startsWith("gpu-all-to-all on this host is 4830 flows"), e.toString());
    assertThrows(PairLimitException.class, () -> p.flows(Pattern.GPU_TO_NIC));
  }

  /**
   * Generated sizes on both sides of the bound: refused exactly when GPUs × (NICs + NVMe) exceeds
   * it; otherwise planned, every GPU paired with the closest class a NIC offers, and its {@code
   * nicPathClass} the min(NICs, 64) closest NICs (none left out is closer than one kept).
   */
  @Test
  void generatedSizesFollowTheRule() {
    Random rnd = new Random(20261206);
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          for (int run = 0; run < 40; run++) {
            int gpus = 1 + rnd.nextInt(run % 4 == 0 ? 2000 : 300);
            int target = (int) (Planner.MAX_PAIRS * (0.5 + rnd.nextDouble()) / gpus);
            int nics = rnd.nextInt(target + 1);
            int nvmes = Math.max(0, target - nics + rnd.nextInt(3) - 1);
            long pairs = (long) gpus * (nics + nvmes);
            Report r = host(gpus, nics, nvmes);
            String what = gpus + " GPUs, " + nics + " NICs, " + nvmes + " NVMe";
            if (pairs > Planner.MAX_PAIRS) {
              assertThrows(PairLimitException.class, () -> new Planner(r).pairing(), what);
              continue;
            }
            var pairing = new Planner(r).pairing();
            assertEquals(gpus, pairing.size(), what);
            for (GpuPairing g : pairing) {
              var classes = g.attributes().nicPathClass();
              assertEquals(Math.min(nics, GpuPairing.Attributes.MAX_NICS), classes.size(), what);
              if (nics == 0) {
                continue;
              }
              PathClass best = classes.values().stream().min(Enum::compareTo).orElseThrow();
              assertEquals(best, g.pathClass(), what + ": the GPU takes its closest class");
              // NICs on the GPU's NUMA node are NODE, the others SYS: the closest are kept
              int i = g.cudaIndex();
              long sameNode =
                  java.util.stream.IntStream.range(0, nics)
                      .filter(j -> (gpus + j - i) % 2 == 0)
                      .count();
              long node = classes.values().stream().filter(c -> c == PathClass.NODE).count();
              assertEquals(
                  Math.min(sameNode, GpuPairing.Attributes.MAX_NICS), node, what + ": " + i);
            }
          }
        });
  }
}
