package dev.fabricscope.p2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.p2p.Finding.Severity;
import dev.fabricscope.topology.NvmlHosts;
import dev.fabricscope.topology.Report;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The fleet findings' one per-pair rule, {@link FleetFindings#DRIVER_P2P_DISAGREES}: a report whose
 * GPUs each list every other in NVML (360 GPUs fit the 16 MiB report limit) made 65,000 full
 * verdicts and as many findings for one host. Over {@link FleetFindings#MAX_DRIVER_PAIRS} pairs the
 * host gets one {@link FleetFindings#DRIVER_P2P_NOT_ANALYSED} warning instead, and its other rules
 * still run.
 */
class DriverPairsBoundTest {

  /** The findings of {@code rule}, those folded into one included (FleetFindings.capped). */
  private static long count(List<Finding> found, String rule) {
    return found.stream().filter(f -> f.rule().equals(rule)).mapToLong(Finding::count).sum();
  }

  @Test
  void everyGpuListingEveryOtherIsNotAnalysedButSaysSo() {
    Report r = NvmlHosts.peered("dense", 360, 8, 359); // 64,620 pairs
    List<Finding> found =
        assertTimeoutPreemptively(
            Duration.ofSeconds(10), () -> FleetFindings.forHost("dense", r), "forHost");
    assertEquals(0, count(found, FleetFindings.DRIVER_P2P_DISAGREES));
    List<Finding> not =
        found.stream().filter(f -> f.rule().equals(FleetFindings.DRIVER_P2P_NOT_ANALYSED)).toList();
    assertEquals(1, not.size());
    assertEquals(Severity.WARNING, not.get(0).severity());
    assertEquals("dense", not.get(0).host());
    assertTrue(
        not.get(0).message().startsWith("not analysed: the NVIDIA driver lists 64620 GPU pairs,"),
        not.get(0).message());
    // the other rules still run: no NIC is closer than SYS on this host
    assertEquals(360, count(found, FleetFindings.GPU_WITHOUT_CLOSE_NIC));
  }

  @Test
  void justWithinTheBoundIsJudged() {
    // 91 GPUs listing all 90 others: 4,095 pairs (NVML says ok, the kernel mostly refuses)
    List<Finding> found = FleetFindings.forHost("edge", NvmlHosts.peered("edge", 91, 0, 90));
    assertEquals(0, count(found, FleetFindings.DRIVER_P2P_NOT_ANALYSED));
    assertTrue(count(found, FleetFindings.DRIVER_P2P_DISAGREES) > 0);
    List<Finding> over = FleetFindings.forHost("over", NvmlHosts.peered("over", 92, 0, 91));
    assertEquals(1, count(over, FleetFindings.DRIVER_P2P_NOT_ANALYSED)); // 4,186 pairs
    assertEquals(0, count(over, FleetFindings.DRIVER_P2P_DISAGREES));
  }

  /**
   * Generated hosts and peer counts on both sides of the bound: not analysed exactly when the
   * distinct pairs the driver lists are over it, counted here from the lists.
   */
  @Test
  void generatedPeerListsFollowTheRule() {
    Random rnd = new Random(20261207);
    int[] sides = new int[2];
    for (int run = 0; run < 24; run++) {
      int gpus = 2 + rnd.nextInt(200);
      int peers = 1 + rnd.nextInt(gpus - 1);
      Report r = NvmlHosts.peered("g" + run, gpus, rnd.nextInt(3), peers);
      Set<String> pairs = new HashSet<>();
      for (int i = 0; i < gpus; i++) {
        for (int k = 1; k <= peers; k++) {
          int j = (i + k) % gpus;
          pairs.add(Math.min(i, j) + "-" + Math.max(i, j));
        }
      }
      boolean over = pairs.size() > FleetFindings.MAX_DRIVER_PAIRS;
      List<Finding> found = FleetFindings.forHost("g", r);
      String what = gpus + " GPUs, " + peers + " peers each, " + pairs.size() + " pairs";
      assertEquals(over ? 1 : 0, count(found, FleetFindings.DRIVER_P2P_NOT_ANALYSED), what);
      if (over) {
        assertEquals(0, count(found, FleetFindings.DRIVER_P2P_DISAGREES), what);
      } else {
        // judged: at most a finding per pair, and on this flat host most pairs disagree
        long n = count(found, FleetFindings.DRIVER_P2P_DISAGREES);
        assertTrue(n > pairs.size() / 2 && n <= pairs.size(), what + ": " + n);
      }
      sides[over ? 1 : 0]++;
    }
    assertTrue(sides[0] > 0 && sides[1] > 0, sides[0] + " within, " + sides[1] + " over");
  }
}
