package dev.fabricscope.agent.bandwidth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The containment is probed at the first use, kept once it is a PID namespace, and probed again
 * every interval while it is weaker (a first {@code unshare} start that failed once).
 */
class ContainmentRedetectionTest {

  private static final long MINUTE = Duration.ofMinutes(1).toNanos();

  @Test
  void aWeakerFallbackIsProbedAgainUntilANamespaceIsFound() {
    HelperContainment group = HelperContainment.descendants();
    HelperContainment namespace = HelperContainment.pidNamespace(Path.of("/usr/bin/unshare"));
    Deque<HelperContainment> probes = new ArrayDeque<>(List.of(group, group, namespace));
    int[] probed = {0};
    ContainmentRedetection d =
        new ContainmentRedetection(
            () -> {
              probed[0]++;
              return probes.pop();
            },
            Duration.ofMinutes(10));
    long t = 5 * MINUTE;
    assertSame(group, d.get(t));
    assertSame(group, d.get(t + 9 * MINUTE)); // not yet due
    assertEquals(1, probed[0]);
    assertSame(group, d.get(t + 10 * MINUTE));
    assertSame(namespace, d.get(t + 20 * MINUTE));
    assertSame(namespace, d.get(t + 1000 * MINUTE)); // kept for good
    assertEquals(3, probed[0]);
  }

  /** Generated times and probe answers against the rule written out once more. */
  @Test
  void generatedTimelinesProbeAsTheRuleSays() {
    Random r = new Random(19);
    HelperContainment weak = HelperContainment.descendants();
    HelperContainment strong = HelperContainment.pidNamespace(Path.of("/usr/bin/unshare"));
    for (int run = 0; run < 200; run++) {
      int[] probed = {0};
      boolean[] nextStrong = {false};
      ContainmentRedetection d =
          new ContainmentRedetection(
              () -> {
                probed[0]++;
                return nextStrong[0] ? strong : weak;
              },
              Duration.ofMinutes(10));
      long t = r.nextLong() >>> 2;
      long lastProbe = 0;
      boolean haveStrong = false;
      int expected = 0;
      for (int step = 0; step < 30; step++) {
        nextStrong[0] = r.nextInt(6) == 0;
        boolean due = step == 0 || (!haveStrong && t - lastProbe >= 10 * MINUTE);
        HelperContainment got = d.get(t);
        if (due) {
          expected++;
          lastProbe = t;
          haveStrong = nextStrong[0];
        }
        assertEquals(expected, probed[0], "run " + run + ", step " + step);
        assertSame(haveStrong ? strong : weak, got, "run " + run + ", step " + step);
        t += r.nextInt(15) * MINUTE / 2;
      }
    }
  }
}
