package dev.fabricscope.agent.isolation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.agent.AgentProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Security review 18, #5: the child JVM (the packaged jar's {@link IsolatedMain}, NVML hanging in
 * the double) ends at once, with 3, when the agent its command line names is not there (gone before
 * the child's {@code main} ran, a pid now another process's, a malformed name), and as soon as a
 * named agent that was there ends. Before, it watched its parent, which for an agent killed right
 * after the start was init: such a child hung for good.
 */
class ParentWatchIT {

  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void tearDown() {
    started.forEach(Process::destroyForcibly);
  }

  private Process child(String identity) throws Exception {
    List<String> cmd =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Djna.library.path=" + AgentProcess.TEST_NATIVE,
            "-cp",
            HostileLibraryIT.jar().toString(),
            IsolatedMain.class.getName(),
            identity,
            IsolatedMain.NVML);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("FAKE_NVML_FAULT", "hang");
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    started.add(p);
    return p;
  }

  /** The packaged agent's {@code nvml} command with the doubles and {@code env}; output merged. */
  private Process nvml(String driverTimeout, java.util.Map<String, String> env) throws Exception {
    List<String> cmd =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Djna.library.path=" + AgentProcess.TEST_NATIVE,
            "-jar",
            HostileLibraryIT.jar().toString(),
            "nvml",
            "--driver-timeout",
            driverTimeout);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    started.add(p);
    return p;
  }

  /** The identity of {@code h} with its start (clock ticks since boot) moved by {@code shift}. */
  private static String identity(ProcessHandle h, long shift) {
    return h.pid() + ":" + (ParentWatch.startTicks(h.pid()).orElseThrow() + shift);
  }

  @Test
  void aChildWhoseAgentIsNotThereEndsAtOnce() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    ProcessHandle self = ProcessHandle.current();
    List<String> identities = new ArrayList<>();
    identities.add(gone.pid() + ":" + System.currentTimeMillis());
    identities.add(gone.pid() + ":-");
    for (long shift : new long[] {-10_000, -10, -1, 1, 10, 8_640_000}) {
      identities.add(identity(self, shift)); // this pid, but started at another time
    }
    identities.addAll(
        List.of(
            "",
            "x",
            "1",
            ":",
            "0:0",
            "-1:5",
            "99999999999:1",
            self.pid() + ":x",
            self.pid() + ":99999999999999999999",
            "1:2:3"));
    for (String id : identities) {
      Process c = child(id);
      assertTrue(c.waitFor(20, TimeUnit.SECONDS), "a child for '" + id + "' still runs");
      assertEquals(3, c.exitValue(), id);
    }
  }

  /**
   * Review 19, #1: the wall clock stepped forward between the agent's start and its child's (the
   * shim shows the agent the boot time it read before a 5 s step). Before, the child's start time
   * of the agent, in wall-clock milliseconds, differed from the agent's own by the step, and every
   * child ended with 3 ("the NVML reader exited with 3"): NVML was absent until a restart.
   */
  @Test
  void aClockStepBetweenTheAgentsStartAndTheChildsIsNoEnd() throws Exception {
    Process p =
        nvml(
            "20s",
            java.util.Map.of(
                "LD_PRELOAD",
                AgentProcess.TEST_NATIVE.resolve("clockstep.so").toString(),
                "FAKE_BTIME_SHIFT",
                "5",
                "FAKE_NVML_DATA",
                ""));
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("\"nvmlInit: Driver Not Loaded\""), out);
    assertFalse(out.contains("exited with 3"), out);
  }

  /**
   * Review 19, #2: NVML hanging in its loading holds the dynamic loader's lock, and a child whose
   * agent was killed then could not end (its exit needed a symbol resolved): it ran on for good.
   * Now it ends within a few seconds of the agent's SIGKILL.
   */
  @Test
  void aChildHangingInTheDriversLoadingEndsAfterItsAgent() throws Exception {
    Process agent = nvml("120s", java.util.Map.of("FAKE_NVML_FAULT", "ctorhang"));
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    List<ProcessHandle> children = List.of();
    while (System.nanoTime() < until
        && (children =
                agent
                    .descendants()
                    .filter(
                        h ->
                            h.info()
                                .arguments()
                                .map(a -> List.of(a).contains(IsolatedMain.class.getName()))
                                .orElse(false))
                    .toList())
            .isEmpty()) {
      Thread.sleep(20);
    }
    assertFalse(children.isEmpty(), "no child started");
    Thread.sleep(2000); // well into the library's loading
    List<ProcessHandle> family = agent.descendants().toList();
    agent.destroyForcibly().waitFor();
    long t0 = System.nanoTime();
    for (ProcessHandle h : family) {
      try {
        h.onExit().get(10, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        family.forEach(ProcessHandle::destroyForcibly);
        throw new AssertionError(h.pid() + " " + h.info().commandLine().orElse("") + " still runs");
      }
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms < 5000, ms + " ms");
  }

  @Test
  void aChildEndsSoonAfterItsAgent() throws Exception {
    Process agent = new ProcessBuilder("sleep", "300").start();
    started.add(agent);
    for (String id : List.of(identity(agent.toHandle(), 0), agent.pid() + ":-")) {
      Process c = child(id);
      assertFalse(
          c.waitFor(3, TimeUnit.SECONDS), () -> "ended while its agent ran: " + c.exitValue());
      c.destroyForcibly().waitFor();
    }
    Process c = child(identity(agent.toHandle(), 0));
    Thread.sleep(2000);
    assertTrue(c.isAlive());
    agent.destroyForcibly().waitFor();
    long t0 = System.nanoTime();
    assertTrue(c.waitFor(10, TimeUnit.SECONDS), "still runs after its agent ended");
    assertEquals(3, c.exitValue());
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms < 3000, ms + " ms");
  }
}
