package dev.fabricscope.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;

/** Runs the shaded agent jar as a process, as a user would; base of the CLI integration tests. */
abstract class CliRunner {

  @TempDir Path tmp;

  record Result(int code, String out, String err) {}

  /** The file the last run's stdout went to: its bytes, where they are no text (an archive). */
  Path last;

  /** Runs the jar with its own empty temp dir, so leftovers can be checked. */
  Result agent(Path javaTmp, String... args) throws Exception {
    return agentReading(null, javaTmp, args);
  }

  /** As {@link #agent(Path, String...)}, with {@code stdin} (a file; null: none) as its input. */
  Result agentReading(Path stdin, Path javaTmp, String... args) throws Exception {
    return agentReading(stdin, javaTmp, List.of(), args);
  }

  /** As {@link #agent(String...)}, with options for the JVM (a small heap). */
  Result agentWithJvm(List<String> jvm, String... args) throws Exception {
    return agentReading(null, Files.createDirectories(tmp.resolve("jtmp")), jvm, args);
  }

  /**
   * The shaded jar in a child JVM of this test's Java, {@code java.io.tmpdir} set to {@code
   * javaTmp}, {@code jvm} options before {@code -jar}: for the tests that signal or watch it.
   */
  static ProcessBuilder agentProcess(Path javaTmp, List<String> jvm, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Djava.io.tmpdir=" + javaTmp);
    cmd.addAll(jvm);
    cmd.add("-jar");
    cmd.add(System.getProperty("fabricscope.agentJar", "target/fabricscope-agent.jar"));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd);
  }

  private Result agentReading(Path stdin, Path javaTmp, List<String> jvm, String... args)
      throws Exception {
    List<String> options = new ArrayList<>();
    options.add("-Dfabricscope.tmpdir=" + javaTmp);
    options.addAll(jvm);
    Path out = tmp.resolve("stdout-" + System.nanoTime());
    Path err = tmp.resolve("stderr-" + System.nanoTime());
    ProcessBuilder pb =
        agentProcess(javaTmp, options, args)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    List<String> cmd = pb.command();
    if (stdin != null) {
      pb.redirectInput(stdin.toFile());
    }
    Process p = pb.start();
    last = out;
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "agent timed out: " + cmd);
    return new Result(
        p.exitValue(),
        // decoded leniently: gather --output - writes an archive there (see last)
        new String(Files.readAllBytes(out), StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  Result agent(String... args) throws Exception {
    return agent(Files.createDirectories(tmp.resolve("jtmp")), args);
  }

  static void assertBadInput(Result r, String messagePart) {
    assertEquals(2, r.code(), r.err());
    assertEquals("", r.out());
    String err = r.err().strip();
    assertFalse(err.contains("\n"), "one line expected: " + err);
    assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
    assertTrue(err.contains(messagePart), err);
  }
}
