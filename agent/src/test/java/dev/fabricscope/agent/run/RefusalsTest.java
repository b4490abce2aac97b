package dev.fabricscope.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The job loop's pause after refused assignments: base, doubling to the cap, reset by a good run.
 */
class RefusalsTest {

  static final Duration BASE = Duration.ofSeconds(1);
  static final Duration CAP = Duration.ofMinutes(1);

  @Test
  void nothingOwedIsNoPauseAndRefusalsDoubleUpToTheCap() {
    Refusals r = new Refusals(new Backoff(BASE, CAP));
    assertEquals(Duration.ZERO, r.take());
    long[] expected = {1, 2, 4, 8, 16, 32, 60, 60};
    for (long s : expected) {
      r.refused();
      r.refused(); // two refusals before one poll owe one pause
      assertEquals(Duration.ofSeconds(s), r.take());
      assertEquals(Duration.ZERO, r.take());
    }
    r.ranNormally();
    r.refused();
    assertEquals(BASE, r.take());
  }

  /**
   * Random sequences of refusals, normal runs and polls: a poll waits exactly when a refusal came
   * since the last one; the first pause after a normal run (or ever) is the base, every further one
   * twice the last up to the cap.
   */
  @Test
  void randomSequencesPauseOnlyWhenOwedAndDoubleFromTheBase() {
    Random rnd = new Random(5_2026L);
    for (int round = 0; round < 500; round++) {
      Refusals r = new Refusals(new Backoff(BASE, CAP));
      boolean owed = false;
      Duration last = null; // the last pause since the last normal run
      for (int step = 0; step < 60; step++) {
        switch (rnd.nextInt(3)) {
          case 0 -> {
            r.refused();
            owed = true;
          }
          case 1 -> {
            r.ranNormally();
            last = null;
          }
          default -> {
            Duration d = r.take();
            if (!owed) {
              assertEquals(Duration.ZERO, d);
              continue;
            }
            owed = false;
            Duration want = last == null ? BASE : min(CAP, last.multipliedBy(2));
            assertEquals(want, d, "round " + round + " step " + step);
            assertTrue(d.compareTo(BASE) >= 0 && d.compareTo(CAP) <= 0);
            last = d;
          }
        }
      }
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
