package dev.fabricscope.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The per-host bucket of reports that cost a parse: a burst at once, then a steady rate; a refusal
 * says how long until the next place and takes nothing.
 */
class ReportRateTest {

  static final long SECOND = 1_000_000_000L;

  @Test
  void aBurstThenOneAtTheRate() {
    ReportRate rate = new ReportRate(3, 6); // one every 10 s after 3
    long t = 1_000 * SECOND;
    for (int i = 0; i < 3; i++) {
      assertEquals(0, rate.take("h", t));
    }
    long wait = rate.take("h", t);
    assertEquals(10 * SECOND, wait, 1_000);
    assertTrue(rate.take("h", t + 9 * SECOND) > 0, "not yet");
    assertEquals(0, rate.take("h", t + 10 * SECOND));
    assertTrue(rate.take("h", t + 10 * SECOND) > 0, "that one place only");
  }

  @Test
  void hostsHaveBucketsOfTheirOwn() {
    ReportRate rate = new ReportRate(1, 1);
    assertEquals(0, rate.take("a", 0));
    assertTrue(rate.take("a", 0) > 0);
    assertEquals(0, rate.take("b", 0));
  }

  @Test
  void aLongPauseRefillsNoMoreThanTheBurst() {
    ReportRate rate = new ReportRate(2, 60);
    long t = 0;
    rate.take("h", t);
    rate.take("h", t);
    t += 3_600 * SECOND;
    assertEquals(0, rate.take("h", t));
    assertEquals(0, rate.take("h", t));
    assertTrue(rate.take("h", t) > 0);
  }

  @Test
  void theLargestSettingsDoNotOverflow() {
    ReportRate rate = new ReportRate(Integer.MAX_VALUE, 1);
    for (int i = 0; i < 1000; i++) {
      assertEquals(0, rate.take("h", Long.MAX_VALUE - 10 + i), "i " + i);
    }
    ReportRate fast = new ReportRate(1, Integer.MAX_VALUE);
    assertEquals(0, fast.take("h", -5));
  }

  @Test
  void fullBucketsAreDroppedPastTheBound() {
    ReportRate rate = new ReportRate(1, 60);
    for (int i = 0; i <= ReportRate.PRUNE_ABOVE; i++) {
      rate.take("h" + i, 0);
    }
    // all those emptied their one place at 0; a minute later every one is full again
    rate.take("late", 60 * SECOND);
    assertTrue(rate.size() <= 2, "kept " + rate.size());
  }

  /**
   * Generated traffic from a few hosts at random times: over every run, what one host had accepted
   * by time t is never more than the burst plus the rate times t, every refusal names a wait that
   * is then enough, and a host that waits as told is always accepted.
   */
  @Test
  void generatedTrafficNeverPassesBurstPlusRate() {
    Random random = new Random(20261206);
    for (int run = 0; run < 300; run++) {
      int burst = 1 + random.nextInt(20);
      int perMinute = 1 + random.nextInt(120);
      ReportRate rate = new ReportRate(burst, perMinute);
      long[] accepted = new long[3];
      long[] readyAt = new long[3];
      long t = 0;
      for (int i = 0; i < 400; i++) {
        t += (long) (random.nextDouble() * random.nextDouble() * 5 * SECOND);
        int h = random.nextInt(3);
        long wait = rate.take("h" + h, t);
        if (t >= readyAt[h] && readyAt[h] > 0) {
          assertEquals(0, wait, "waited as told, run " + run);
        }
        if (wait == 0) {
          accepted[h]++;
          readyAt[h] = 0;
        } else {
          readyAt[h] = t + wait;
        }
        double allowed = burst + perMinute * (t / 60e9);
        assertTrue(accepted[h] <= allowed + 1e-9, accepted[h] + " > " + allowed + " run " + run);
      }
    }
  }
}
