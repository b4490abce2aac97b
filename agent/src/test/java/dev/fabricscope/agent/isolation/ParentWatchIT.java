package dev.fabricscope.agent.isolation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.agent.AgentProcess;
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

  private static String identity(ProcessHandle h, long shift) {
    return h.pid() + ":" + (h.info().startInstant().orElseThrow().toEpochMilli() + shift);
  }

  @Test
  void aChildWhoseAgentIsNotThereEndsAtOnce() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    ProcessHandle self = ProcessHandle.current();
    List<String> identities = new ArrayList<>();
    identities.add(gone.pid() + ":" + System.currentTimeMillis());
    identities.add(gone.pid() + ":-");
    for (long shift : new long[] {-10_000, -10, -1, 1, 10, 86_400_000}) {
      identities.add(identity(self, shift)); // this pid, but started at another time
    }
    identities.addAll(
        List.of("", "x", "1", ":", "0:0", "-1:5", "99999999999:1", self.pid() + ":x", "1:2:3"));
    for (String id : identities) {
      Process c = child(id);
      assertTrue(c.waitFor(20, TimeUnit.SECONDS), "a child for '" + id + "' still runs");
      assertEquals(3, c.exitValue(), id);
    }
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
