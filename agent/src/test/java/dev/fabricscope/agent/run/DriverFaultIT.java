package dev.fabricscope.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Review 17 #1: NVML and the CUDA driver hanging or crashing (the ABI-level doubles with {@code
 * FAKE_NVML_FAULT} and {@code FAKE_CUDA_FAULT}) no longer silence the agent. {@code run} sends its
 * report with the diagnostic {@code nvml: absent (...)} within the driver deadline and a few
 * seconds, keeps heartbeating and stays alive; {@code collect --nvml} exits 0 with the diagnostic;
 * nothing (no {@code hs_err_pid*.log}) is written to the working folder.
 */
class DriverFaultIT {

  private static final String TOKEN = "tok-" + Long.toHexString(System.nanoTime());

  @org.junit.jupiter.api.io.TempDir Path tmp;
  private RigAgents rig;

  @BeforeEach
  void setUp() throws Exception {
    // a host name, so the job loop starts and detects the CUDA driver (faulty too) in its child
    rig = RigAgents.named(tmp, "rig-iommu");
  }

  @AfterEach
  void tearDown() {
    rig.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"hang", "crash"})
  void runReportsAndHeartbeatsThroughAFaultyDriver(String fault) throws Exception {
    String token = rig.tokenFile(TOKEN);
    try (FakeServer server = new FakeServer(TOKEN).start()) {
      long t0 = System.nanoTime();
      Process agent =
          start(
              fault,
              "run",
              "--server",
              server.url(),
              "--token-file",
              token,
              "--fsroot",
              rig.fsroot(),
              "--nvml",
              "--driver-timeout",
              "2s",
              "--spool",
              tmp.resolve("spool").toString(),
              // longer than a scan through a hanging driver (2 s and the kill): the loop collects
              // before it heartbeats, and a scan slower than the interval would leave no time
              "--interval",
              "10s",
              "--heartbeat",
              "1s",
              "--timeout",
              "5s");
      // JVM start, the 2 s deadline, the child's kill: well within 15 s on a loaded machine
      rig.await("a report", () -> !server.accepted().isEmpty(), 15);
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      String body = server.accepted().get(0).body();
      assertTrue(body.contains(expected(fault)), body);
      rig.await(
          "heartbeats",
          () -> server.heartbeats().stream().filter(FakeServer.Req::ok).count() >= 2,
          20);
      assertTrue(agent.isAlive(), rig.log());
      // the job loop detected its helpers (the CUDA probe faulty too) and went on: its next step
      // is the capabilities request, which this server answers 404; before, a crash in cuInit
      // took the agent down here
      rig.await(
          "the job loop past the CUDA probe", () -> rig.logHas("jobs: the server has no"), 20);
      assertTrue(agent.isAlive(), rig.log());
      rig.assertNoFiles();
      System.out.println("run with NVML " + fault + ": first report after " + ms + " ms");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"hang", "crash"})
  void collectExitsZeroWithTheDiagnostic(String fault) throws Exception {
    Process p =
        start(fault, "collect", "--nvml", "--driver-timeout", "2s", "--fsroot", rig.fsroot());
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "collect hung");
    assertEquals(0, p.exitValue(), rig.log());
    String report = Files.readString(rig.out());
    assertTrue(report.contains("nvml: absent (" + expected(fault)), report);
    rig.assertNoFiles();
  }

  /**
   * SIGTERM during {@code run}'s first scan (NVML hanging, a long driver timeout): a clean stop,
   * exit 0 within the grace with one line, and no child left (eighteenth security review: exit 143
   * without a word, the hook not yet installed).
   */
  @org.junit.jupiter.api.Test
  void aStopDuringTheFirstScanIsACleanOne() throws Exception {
    String token = rig.tokenFile(TOKEN);
    try (FakeServer server = new FakeServer(TOKEN).start()) {
      Process agent =
          start(
              "hang",
              "run",
              "--server",
              server.url(),
              "--token-file",
              token,
              "--fsroot",
              rig.fsroot(),
              "--nvml",
              "--driver-timeout",
              "5m",
              "--spool",
              tmp.resolve("spool").toString());
      rig.await("the NVML child", () -> nvmlChild(agent) != null, 20);
      List<ProcessHandle> children = agent.descendants().toList();
      long t0 = System.nanoTime();
      agent.destroy();
      assertTrue(agent.waitFor(10, TimeUnit.SECONDS), "the agent did not stop");
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertEquals(0, agent.exitValue(), rig.log());
      assertTrue(ms < 5_000, "stopped in " + ms + " ms");
      assertTrue(rig.logHas("stopped before the first report was sent"), rig.log());
      for (ProcessHandle c : children) {
        c.onExit().get(10, TimeUnit.SECONDS);
      }
      assertTrue(server.accepted().isEmpty(), "nothing sent");
    }
  }

  /** An agent stopped while its NVML child hangs leaves no child behind (it watches its parent). */
  @org.junit.jupiter.api.Test
  void aHangingChildEndsWithTheAgent() throws Exception {
    Process agent = start("hang", "nvml", "--driver-timeout", "5m");
    ProcessHandle[] found = new ProcessHandle[1];
    rig.await("the NVML child", () -> (found[0] = nvmlChild(agent)) != null, 20);
    ProcessHandle child = found[0];
    agent.destroy();
    assertTrue(agent.waitFor(10, TimeUnit.SECONDS), "the agent did not stop");
    child.onExit().get(10, TimeUnit.SECONDS);
    assertTrue(!child.isAlive());
  }

  @org.junit.jupiter.api.Test
  void capabilitiesNameACrashingCudaDriver() throws Exception {
    Process p = start("crash", "bandwidth", "--capabilities");
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bandwidth --capabilities hung");
    assertEquals(0, p.exitValue(), rig.log());
    String out = Files.readString(rig.out());
    assertTrue(
        out.contains(
            "CUDA driver: the CUDA driver probe exited with 1 (crashed in native code: C"
                + " [libcuda.so"),
        out);
    rig.assertNoFiles();
  }

  private static String expected(String fault) {
    return fault.equals("hang")
        ? "no answer within 2 s"
        : "the NVML reader exited with 1 (crashed in native code: C [libnvidia-ml.so";
  }

  /**
   * The agent's child JVM ({@code IsolatedMain}), or null: not any descendant, since the agent's
   * first probe of its containment starts a short-lived {@code unshare} of its own.
   */
  private static ProcessHandle nvmlChild(Process agent) {
    return agent
        .descendants()
        .filter(
            h ->
                h.info()
                    .arguments()
                    .map(a -> List.of(a).contains("dev.fabricscope.agent.isolation.IsolatedMain"))
                    .orElse(false))
        .findFirst()
        .orElse(null);
  }

  /** The agent with both doubles faulty ({@code hang} or {@code crash}). */
  private Process start(String fault, String... args) throws IOException {
    return rig.start(
        Map.of("FAKE_NVML_FAULT", fault, "FAKE_CUDA_FAULT", fault, "FAKE_NVML_DATA", ""),
        List.of(args));
  }
}
