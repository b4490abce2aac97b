package dev.fabricscope.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void parsesUnitsAndCombinations() {
    assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
    assertEquals(Duration.ofSeconds(30), Durations.parse("30s"));
    assertEquals(Duration.ofMinutes(5), Durations.parse("5m"));
    assertEquals(Duration.ofHours(1), Durations.parse("1h"));
    assertEquals(Duration.ofDays(2), Durations.parse("2d"));
    assertEquals(Duration.ofMinutes(90), Durations.parse("1h30m"));
    assertEquals(Duration.ofSeconds(61), Durations.parse(" 1M1S "));
  }

  @Test
  void refusesBareNumbersZeroAndJunk() {
    for (String bad :
        new String[] {
          "", " ", "5", "0s", "0m0s", "-5s", "5 s", "5x", "s", "1.5h", "m5", "5sm", null
        }) {
      assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), "'" + bad + "'");
    }
  }

  /** Past a year is a usage error at once, not an overflow later (eighteenth security review). */
  @Test
  void refusesPastAYearWithoutOverflow() {
    assertEquals(Duration.ofDays(365), Durations.parse("365d"));
    assertEquals(Duration.ofDays(365), Durations.parse("364d24h"));
    for (String bad :
        new String[] {
          "366d", "365d1ms", "107000d", "999999999d", "999999999d999999999d", "8761h", "9000000h"
        }) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad);
      assertEquals("duration '" + bad + "' is longer than 365d", e.getMessage());
    }
    // many parts of the largest size: refused at the first past the bound, no overflow
    String many = "999999999d".repeat(20_000);
    assertThrows(IllegalArgumentException.class, () -> Durations.parse(many));
  }

  /** Random sums of random parts against the same sum in exact arithmetic. */
  @Test
  void generatedDurationsAreTheirSumOrRefused() {
    java.util.Random random = new java.util.Random(365);
    String[] units = {"ms", "s", "m", "h", "d"};
    long[] millis = {1, 1_000, 60_000, 3_600_000, 86_400_000};
    for (int i = 0; i < 5_000; i++) {
      StringBuilder text = new StringBuilder();
      java.math.BigInteger sum = java.math.BigInteger.ZERO;
      int parts = 1 + random.nextInt(4);
      for (int p = 0; p < parts; p++) {
        int u = random.nextInt(units.length);
        long n = random.nextInt(4) == 0 ? random.nextInt(1_000_000_000) : random.nextInt(1000);
        text.append(n).append(units[u]);
        sum =
            sum.add(
                java.math.BigInteger.valueOf(n).multiply(java.math.BigInteger.valueOf(millis[u])));
      }
      String t = text.toString();
      boolean ok =
          sum.signum() > 0
              && sum.compareTo(java.math.BigInteger.valueOf(Durations.MAX.toMillis())) <= 0;
      if (ok) {
        assertEquals(sum.longValueExact(), Durations.parse(t).toMillis(), t);
      } else {
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(t), t);
      }
    }
  }

  @Test
  void formatsForLogs() {
    assertEquals("850ms", Durations.format(Duration.ofMillis(850)));
    assertEquals("2.3s", Durations.format(Duration.ofMillis(2300)));
    assertEquals("5m", Durations.format(Duration.ofMinutes(5)));
    assertEquals("30s", Durations.format(Duration.ofSeconds(30)));
    assertEquals("1h", Durations.format(Duration.ofHours(1)));
  }
}
