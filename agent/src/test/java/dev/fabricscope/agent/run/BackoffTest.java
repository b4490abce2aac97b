package dev.fabricscope.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private static final Duration BASE = Duration.ofSeconds(1);
  private static final Duration CAP = Duration.ofMinutes(5);

  @Test
  void ceilingDoublesUpToTheCap() {
    // random just below 1: the delay is (almost) the ceiling itself
    Backoff b = new Backoff(BASE, CAP, () -> 0.999999);
    long[] expected = {1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000, 256000, 300000};
    for (long e : expected) {
      long d = b.next().toMillis();
      assertTrue(d <= e && d >= e - 1, "expected about " + e + " got " + d);
    }
    for (int i = 0; i < 100; i++) {
      assertTrue(b.next().toMillis() <= 300000, "capped after many failures");
    }
    assertEquals(CAP.toMillis(), b.ceilingMillis(Integer.MAX_VALUE), "no overflow");
    assertEquals(CAP.toMillis(), b.ceilingMillis(63));
  }

  @Test
  void fullJitterStaysWithinZeroAndTheCeiling() {
    Random r = new Random(42);
    Backoff b = new Backoff(BASE, CAP, r::nextDouble);
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int attempt = 0; attempt < 2000; attempt++) {
      long ceiling = b.ceilingMillis(b.failures());
      long d = b.next().toMillis();
      assertTrue(d >= 0 && d < Math.max(1, ceiling), d + " outside [0," + ceiling + ")");
      if (b.failures() > 12) {
        min = Math.min(min, d);
        max = Math.max(max, d);
      }
    }
    // at the cap the delays spread over the whole range, not bunched at the top (full jitter)
    assertTrue(min < CAP.toMillis() / 10, "min " + min);
    assertTrue(max > CAP.toMillis() * 9 / 10, "max " + max);
  }

  @Test
  void resetStartsAgainFromTheBase() {
    Backoff b = new Backoff(BASE, CAP, () -> 0.5);
    for (int i = 0; i < 6; i++) {
      b.next();
    }
    assertEquals(6, b.failures());
    b.reset();
    assertEquals(0, b.failures());
    assertEquals(500, b.next().toMillis());
    assertEquals(1000, b.next().toMillis());
  }

  @Test
  void refusesNonsenseBounds() {
    assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, CAP));
    assertThrows(IllegalArgumentException.class, () -> new Backoff(CAP, BASE));
  }
}
