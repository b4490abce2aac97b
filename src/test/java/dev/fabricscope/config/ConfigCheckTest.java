package dev.fabricscope.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigCheckTest {

  @Test
  void theDefaultsPass() {
    assertEquals(List.of(), ConfigCheck.problems(TestConfigs.mapping(Map.of())));
  }

  @Test
  void valuesAreReadFromTheirKeys() {
    FabricscopeConfig c =
        TestConfigs.mapping(
            Map.of(
                "fabricscope.db.pool-size", "16",
                "fabricscope.p2p.wait", "250ms",
                "fabricscope.imports.wait", "750ms",
                "fabricscope.bandwidth.efficiency.nvlink", "0.5",
                "fabricscope.demo.archives", "a.tar.gz,b.xml"));
    assertEquals(16, c.db().poolSize());
    assertEquals(Duration.ofMillis(250), c.p2p().slotWait());
    assertEquals(Duration.ofMillis(750), c.imports().slotWait());
    assertEquals(0.5, c.bandwidth().efficiency().nvlink());
    assertEquals(List.of("a.tar.gz", "b.xml"), c.demo().archives());
  }

  @Test
  void eachBadValueIsNamedWithItsRule() {
    assertProblem(
        "fabricscope.db.pool-size", "-1", "fabricscope.db.pool-size = -1: must be at least 1");
    assertProblem(
        "fabricscope.ingest.queue", "0", "fabricscope.ingest.queue = 0: must be at least 1");
    assertProblem(
        "fabricscope.bandwidth.efficiency.gpu-copy",
        "1.2",
        "fabricscope.bandwidth.efficiency.gpu-copy = 1.2: must be in (0, 1]");
    assertProblem(
        "fabricscope.bandwidth.efficiency.tcp-line",
        "0",
        "fabricscope.bandwidth.efficiency.tcp-line = 0.0: must be in (0, 1]");
    assertProblem(
        "fabricscope.bandwidth.warn-ratio",
        "0.95",
        "fabricscope.bandwidth.warn-ratio = 0.95: must not exceed bandwidth.pass-ratio (0.9)");
    assertProblem(
        "fabricscope.bandwidth.poll-wait",
        "61s",
        "fabricscope.bandwidth.poll-wait = PT1M1S: must be 0..bandwidth.poll-max-wait");
    assertProblem(
        "fabricscope.bandwidth.sweep",
        "0s",
        "fabricscope.bandwidth.sweep = PT0S: must be a positive duration");
    // 300 s of the longest run plus 60 s of slack do not fit in 5 minutes
    assertProblem(
        "fabricscope.bandwidth.max-job-duration",
        "5m",
        "fabricscope.bandwidth.max-job-duration = PT5M: must be at least the longest run (300 s)"
            + " plus bandwidth.run-slack");
    assertProblem(
        "fabricscope.db.url",
        "jdbc:mysql://db/fabricscope?password=x",
        "fabricscope.db.url = jdbc:mysql://db/fabricscope: must start with jdbc:postgresql: or"
            + " jdbc:h2: (the bundled drivers)");
    assertProblem(
        "fabricscope.findings.missed-intervals",
        "0",
        "fabricscope.findings.missed-intervals = 0: must be at least 1");
    assertProblem(
        "fabricscope.p2p.concurrent", "0", "fabricscope.p2p.concurrent = 0: must be at least 1");
    assertProblem(
        "fabricscope.imports.concurrent",
        "0",
        "fabricscope.imports.concurrent = 0: must be at least 1");
    assertProblem(
        "fabricscope.fabric.uploads-max-count",
        "0",
        "fabricscope.fabric.uploads-max-count = 0: must be at least 1");
    assertProblem(
        "fabricscope.fabric.uploads-max-bytes",
        "-1",
        "fabricscope.fabric.uploads-max-bytes = -1: must be at least 1");
  }

  @Test
  void everyProblemIsInOneMessage() {
    FabricscopeConfig c =
        TestConfigs.mapping(
            Map.of(
                "fabricscope.db.pool-size", "0",
                "fabricscope.bandwidth.pass-ratio", "0.7",
                "fabricscope.bandwidth.warn-ratio", "0.8"));
    var e = assertThrows(IllegalArgumentException.class, () -> ConfigCheck.check(c));
    assertEquals(
        "Invalid configuration (2 problems): fabricscope.db.pool-size = 0: must be at least 1;"
            + " fabricscope.bandwidth.warn-ratio = 0.8: must not exceed bandwidth.pass-ratio (0.7)",
        e.getMessage());
  }

  @Test
  void namesThatAreNoSettingAreFound() {
    assertEquals(
        List.of("fabricscope.bandwidth.job-timeout", "fabricscope.db.pool"),
        ConfigCheck.unknown(
            List.of(
                "fabricscope.db.url",
                "fabricscope.bandwidth.job-timeout",
                "quarkus.http.port",
                "fabricscope.bandwidth.efficiency.nvlink",
                "fabricscope.db.pool")));
  }

  private static void assertProblem(String key, String value, String expected) {
    List<String> problems = ConfigCheck.problems(TestConfigs.mapping(Map.of(key, value)));
    assertEquals(List.of(expected), problems, key + "=" + value);
    assertTrue(expected.startsWith(key + " = "));
  }
}
