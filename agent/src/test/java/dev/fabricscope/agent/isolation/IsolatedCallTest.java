package dev.fabricscope.agent.isolation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.agent.bandwidth.HelperContainment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Real child processes (a shell stands in for the child JVM here; the agent never starts one): a
 * hang is killed with its descendants at the deadline, output past the bound is dropped while the
 * child runs on, and the child's command line carries the JNA path and the no-crash-file flags.
 */
class IsolatedCallTest {

  private static IsolatedCall sh(String script, Duration deadline) {
    return new IsolatedCall("the test child", () -> List.of("/bin/sh", "-c", script), deadline);
  }

  @Test
  void anAnswerComesBack() {
    ChildOutcome o =
        sh("echo '" + ChildOutcome.MARKER + "{\"ok\":true}'", Duration.ofSeconds(20)).call();
    assertEquals("{\"ok\":true}", o.answer(), o.why());
  }

  @Test
  void aHangIsKilledWithItsChildrenAtTheDeadline() throws Exception {
    long t0 = System.nanoTime();
    // the grandchild would keep the pipes open and outlive a kill of the child alone
    ChildOutcome o =
        sh("sleep 300 & echo $! > /dev/null; sleep 300", Duration.ofMillis(700)).call();
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals("no answer within 700 ms", o.why());
    assertTrue(ms < 700 + IsolatedCall.GRACE_MILLIS + 3000, ms + " ms");
    assertTrue(ms >= 690, ms + " ms");
  }

  @Test
  void aCrashAndAnOversizedAnswerAreReasons() {
    assertEquals(
        "the test child exited with 139 (SIGSEGV)",
        sh("kill -SEGV $$", Duration.ofSeconds(20)).call().why());
    ChildOutcome big =
        sh(
                "printf '"
                    + ChildOutcome.MARKER
                    + "'; head -c "
                    + (IsolatedCall.MAX_OUTPUT_BYTES + 10)
                    + " /dev/zero | tr '\\0' x; echo",
                Duration.ofSeconds(30))
            .call();
    assertNull(big.answer());
    assertEquals(
        "the test child printed more than "
            + IsolatedCall.MAX_OUTPUT_BYTES
            + " bytes without a whole answer",
        big.why());
  }

  @Test
  void aProgramThatCannotStartIsAReason() {
    IsolatedCall c =
        new IsolatedCall(
            "the test child", () -> List.of("/nonexistent/java"), Duration.ofSeconds(5));
    assertTrue(c.call().why().startsWith("the test child could not be started: "));
  }

  @Test
  void theChildIsTheSameJvmWithNoCrashFileAndTheJnaPath() {
    Properties p = new Properties();
    p.setProperty("jna.library.path", "target/test-native");
    p.setProperty("java.io.tmpdir", "/tmp/x");
    p.setProperty("user.name", "not carried");
    List<String> argv = ChildJvm.argv("/usr/bin/java", "a.jar", Map.copyOf(p), "nvml");
    assertEquals("/usr/bin/java", argv.get(0));
    assertTrue(argv.containsAll(List.of("-XX:ErrorFile=/dev/null", "-XX:-CreateCoredumpOnCrash")));
    assertTrue(
        argv.contains(
            "-Djna.library.path=" + java.nio.file.Path.of("target/test-native").toAbsolutePath()),
        argv.toString());
    assertTrue(argv.contains("-Djava.io.tmpdir=/tmp/x"));
    assertFalse(argv.toString().contains("not carried"));
    assertEquals(
        List.of(
            "-cp",
            java.nio.file.Path.of("a.jar").toAbsolutePath().toString(),
            IsolatedMain.class.getName(),
            "nvml"),
        argv.subList(argv.size() - 4, argv.size()));
    assertTrue(
        ProcessHandle.current()
            .info()
            .command()
            .map(c -> c.equals(ChildJvm.javaBinary()))
            .orElse(true));
  }

  @Test
  void aJavaOrJarRemovedByAnUpgradeIsSaidWithTheCure(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    Path java = Files.createFile(dir.resolve("java"));
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
    Path jar = Files.createFile(dir.resolve("agent.jar"));
    List<String> argv = ChildJvm.argv(java.toString(), jar.toString(), Map.of(), "nvml");
    assertEquals(Optional.empty(), ChildJvm.gone(argv));
    Files.delete(jar);
    String why =
        new IsolatedCall("the NVML reader", () -> argv, Duration.ofSeconds(5)).call().why();
    assertTrue(why.contains("the class path entry " + jar + " no longer exists"), why);
    assertTrue(why.endsWith("restart the agent"), why);
    Files.delete(java);
    why = new IsolatedCall("the NVML reader", () -> argv, Duration.ofSeconds(5)).call().why();
    assertTrue(
        why.startsWith(
            "the NVML reader could not be started: the java binary "
                + java
                + ", the class path entry "
                + jar
                + " no longer exist "),
        why);
  }

  @Test
  void theChildRunsInRootWithACleanEnvironmentAndStartsNoContainmentProbe() {
    assertEquals(Path.of("/"), ChildJvm.workDir());
    IsolatedCall c =
        sh(
            "echo \"" + ChildOutcome.MARKER + "{\\\"pwd\\\":\\\"$(pwd)\\\"}\"",
            Duration.ofSeconds(20));
    // the child is always held by its descendants: the runner must not probe for unshare
    assertEquals(HelperContainment.Mode.DESCENDANTS, c.runner().containment().mode());
    ChildOutcome o = c.call();
    assertEquals("{\"pwd\":\"/\"}", o.answer(), o.why());
  }

  @Test
  void aDeadlineMustBePositive() {
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> sh("true", Duration.ZERO));
  }
}
