package dev.fabricscope.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The job loop's pause after a "no work" answer that came sooner than a held long poll: base,
 * doubling to the cap, reset by a held poll or by work.
 */
class EmptyPollsTest {

  static final Duration BASE = Duration.ofSeconds(1);
  static final Duration CAP = Duration.ofMinutes(1);

  @Test
  void heldPollsOweNothingAndQuickOnesDoubleUpToTheCap() {
    EmptyPolls p = new EmptyPolls(new Backoff(BASE, CAP));
    assertEquals(Duration.ZERO, p.after(Duration.ofSeconds(25)));
    assertEquals(Duration.ZERO, p.after(EmptyPolls.QUICK));
    long[] expected = {1, 2, 4, 8, 16, 32, 60, 60};
    for (long s : expected) {
      assertEquals(Duration.ofSeconds(s), p.after(Duration.ZERO));
    }
    assertEquals(Duration.ZERO, p.after(Duration.ofSeconds(25)));
    assertEquals(BASE, p.after(EmptyPolls.QUICK.minusMillis(1)));
    assertEquals(Duration.ofSeconds(2), p.after(Duration.ofMillis(3)));
    p.reset();
    assertEquals(BASE, p.after(Duration.ofMillis(3)));
  }

  /**
   * Random sequences of held and quick 204s and of work: a 204 owes a pause exactly when it came
   * within {@link EmptyPolls#QUICK}; the first after a held poll or work (or ever) is the base,
   * every further one twice the last up to the cap.
   */
  @Test
  void randomSequencesPauseOnlyAfterQuickEmptyPollsAndDoubleFromTheBase() {
    Random rnd = new Random(20261207);
    for (int round = 0; round < 500; round++) {
      EmptyPolls p = new EmptyPolls(new Backoff(BASE, CAP));
      long expectedNext = 0;
      for (int step = 0; step < 40; step++) {
        int what = rnd.nextInt(3);
        if (what == 0) {
          p.reset();
          expectedNext = 0;
          continue;
        }
        long tookMillis =
            what == 1
                ? rnd.nextInt((int) EmptyPolls.QUICK.toMillis())
                : EmptyPolls.QUICK.toMillis() + rnd.nextInt(30_000);
        Duration owed = p.after(Duration.ofMillis(tookMillis));
        String at = "round " + round + " step " + step + " took " + tookMillis;
        if (what == 2) {
          assertEquals(Duration.ZERO, owed, at);
          expectedNext = 0;
        } else {
          long want = expectedNext == 0 ? BASE.toMillis() : Math.min(CAP.toMillis(), expectedNext);
          assertEquals(Duration.ofMillis(want), owed, at);
          expectedNext = want * 2;
        }
      }
    }
  }
}
