package dev.fabricscope.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/systemd/fabricscope-agent.service as systemd itself reads it: {@code systemd-analyze
 * verify} (every directive known and parsed, the command executable) and {@code systemd-analyze
 * security --offline} (the exposure score of its sandbox). Skipped only where systemd-analyze is
 * missing (.ci/run installs Debian's systemd, which ships it).
 */
class SystemdUnitTest {

  static final Path UNIT = Path.of("deploy", "systemd", "fabricscope-agent.service");
  static final Path ANALYZE = Path.of("/usr/bin/systemd-analyze");

  @TempDir static Path dir;

  /**
   * The unit with ExecStart pointing at this checkout's launcher: verify checks that the command
   * exists, and /opt/fabricscope-agent is not installed on a build machine.
   */
  static Path unit;

  @BeforeAll
  static void copyUnit() throws IOException {
    String text = Files.readString(UNIT);
    String launcher = Path.of("agent", "bin", "fabricscope-agent").toAbsolutePath().toString();
    assertTrue(text.contains("ExecStart=/opt/fabricscope-agent/bin/fabricscope-agent run "));
    unit = dir.resolve("fabricscope-agent.service");
    Files.writeString(
        unit,
        text.replace(
            "ExecStart=/opt/fabricscope-agent/bin/fabricscope-agent", "ExecStart=" + launcher));
  }

  @Test
  void verifiesWithoutAWarning() throws Exception {
    Result r = analyze("verify", unit.toString());
    assertEquals(0, r.code, r.output);
    assertEquals("", r.output.strip());
  }

  @Test
  void verifyReportsAMisspelledValue() throws Exception {
    // what the check above would see: systemd ignores a bad value with a warning, exit code 0
    Path bad = dir.resolve("bad").resolve("fabricscope-agent.service");
    Files.createDirectories(bad.getParent());
    Files.writeString(
        bad, Files.readString(unit).replace("ProtectSystem=strict", "ProtectSystem=strickt"));
    Result r = analyze("verify", bad.toString());
    assertTrue(r.output.contains("Failed to parse protect system value"), r.output);
  }

  @Test
  void sandboxExposureStaysLow() throws Exception {
    // 4.0 of 10 at most ("OK"); the unit without its hardening lines scores 9.2 ("UNSAFE"), this
    // one 3.6
    Result r = analyze("security", "--offline=true", "--threshold=40", unit.toString());
    assertEquals(0, r.code, r.output);
    assertTrue(r.output.contains("Overall exposure level"), r.output);
  }

  record Result(int code, String output) {}

  private static Result analyze(String... args) throws Exception {
    assumeTrue(Files.isExecutable(ANALYZE), "systemd-analyze is not installed");
    List<String> command = new ArrayList<>(List.of(ANALYZE.toString()));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).directory(dir.toFile()).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "systemd-analyze did not finish");
    return new Result(p.exitValue(), out);
  }
}
