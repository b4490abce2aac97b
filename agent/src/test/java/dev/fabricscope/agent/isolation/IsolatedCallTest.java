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
    // a process of its own: a namespace's first process (the child, when the agent is root) is
    // spared the signals it sends itself
    assertEquals(
        "the test child exited with 139 (SIGSEGV)",
        sh("sh -c 'kill -SEGV $$'; exit $?", Duration.ofSeconds(20)).call().why());
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
            ParentWatch.identity(),
            "nvml"),
        argv.subList(argv.size() - 5, argv.size()));
    assertTrue(ParentWatch.names(ParentWatch.identity()), ParentWatch.identity());
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
  void theChildRunsInRootHeldLikeAHelper() {
    assertEquals(Path.of("/"), ChildJvm.workDir());
    IsolatedCall c =
        sh(
            "echo \"" + ChildOutcome.MARKER + "{\\\"pwd\\\":\\\"$(pwd)\\\"}\"",
            Duration.ofSeconds(20));
    // review 18, #1: what the driver forks must end with the child, as a helper's children do
    assertEquals(HelperContainment.detected(), c.runner().containment());
    ChildOutcome o = c.call();
    assertEquals("{\"pwd\":\"/\"}", o.answer(), o.why());
  }

  @Test
  void aDeadlineMustBePositive() {
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> sh("true", Duration.ZERO));
  }

  /**
   * A job's call: its arguments reach the child, its cancellation kills the child and the child's
   * descendants at once (not at the call's own deadline), and what the child held is given back
   * once, after it is gone.
   */
  @Test
  void argumentsReachTheChildAndACancelKillsItWithItsDescendants() throws Exception {
    java.util.concurrent.atomic.AtomicInteger gone =
        new java.util.concurrent.atomic.AtomicInteger();
    ChildOutcome echoed =
        sh("echo \"" + ChildOutcome.MARKER + "[\\\"$0\\\",\\\"$1\\\"]\"", Duration.ofSeconds(20))
            .call(
                List.of("gpu-h2d", "numa:0"),
                dev.fabricscope.agent.bandwidth.Cancellation.within(20),
                Duration.ofSeconds(20),
                gone::incrementAndGet);
    assertEquals("[\"gpu-h2d\",\"numa:0\"]", echoed.answer(), echoed.why());
    assertEquals(1, gone.get());

    Path pids = Files.createTempFile("isolated-call", ".pids");
    // the grandchild's pid as this host sees it ($! is a PID namespace's when the agent is root)
    IsolatedCall c =
        sh(
            "sh -c 'read p rest < /proc/self/stat; echo $p > "
                + pids
                + "; exec sleep 300' & sleep 300",
            Duration.ofMinutes(5));
    var cancel = dev.fabricscope.agent.bandwidth.Cancellation.within(Duration.ofMinutes(5));
    var outcome =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> c.call(List.of(), cancel, Duration.ofMinutes(5), gone::incrementAndGet));
    long until = System.nanoTime() + 20_000_000_000L;
    while (Files.size(pids) == 0 && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    long grandchild = Long.parseLong(Files.readString(pids).strip());
    long t0 = System.nanoTime();
    cancel.cancel();
    assertEquals(
        "the test child was stopped", outcome.get(20, java.util.concurrent.TimeUnit.SECONDS).why());
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms < IsolatedCall.GRACE_MILLIS + 1000, ms + " ms");
    assertEquals(2, gone.get());
    // killed by then; its reap is its new parent's, which may be slow (or no init at all)
    long reaped = System.nanoTime() + 2_000_000_000L;
    while (running(grandchild) && System.nanoTime() < reaped) {
      Thread.sleep(20);
    }
    assertFalse(running(grandchild), "the grandchild " + grandchild + " still runs");
    Files.delete(pids);
  }

  /** Whether the process exists and is no zombie (dead, not yet reaped). */
  private static boolean running(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
