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

  @Test
  void formatsForLogs() {
    assertEquals("850ms", Durations.format(Duration.ofMillis(850)));
    assertEquals("2.3s", Durations.format(Duration.ofMillis(2300)));
    assertEquals("5m", Durations.format(Duration.ofMinutes(5)));
    assertEquals("30s", Durations.format(Duration.ofSeconds(30)));
    assertEquals("1h", Durations.format(Duration.ofHours(1)));
  }
}
