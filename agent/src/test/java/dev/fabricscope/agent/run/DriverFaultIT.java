package dev.fabricscope.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.agent.AgentProcess;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.sysfs.ArchiveExtractor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
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
  private ArchiveExtractor.Unpacked tree;
  private Path work;
  private Path javaTmp;
  private Path log;
  private final List<Process> agents = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    tree = ArchiveExtractor.extract(Fixtures.sysfs("qemu-rig-iommu.tar.gz"));
    // a host name, so the job loop starts and detects the CUDA driver (faulty too) in its child
    Path hostname = tree.root().resolve("proc/sys/kernel/hostname");
    Files.createDirectories(hostname.getParent());
    Files.writeString(hostname, "rig-iommu\n");
    work = Files.createDirectories(tmp.resolve("work"));
    javaTmp = Files.createDirectories(tmp.resolve("jtmp"));
    log = tmp.resolve("agent.log");
  }

  @AfterEach
  void tearDown() {
    agents.forEach(Process::destroyForcibly);
    tree.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"hang", "crash"})
  void runReportsAndHeartbeatsThroughAFaultyDriver(String fault) throws Exception {
    Path token = Files.writeString(tmp.resolve("token"), TOKEN + "\n");
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
    try (FakeServer server = new FakeServer(TOKEN).start()) {
      long t0 = System.nanoTime();
      Process agent =
          start(
              fault,
              "run",
              "--server",
              server.url(),
              "--token-file",
              token.toString(),
              "--fsroot",
              tree.root().toString(),
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
      await("a report", () -> !server.accepted().isEmpty(), 15);
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      String body = server.accepted().get(0).body();
      assertTrue(body.contains(expected(fault)), body);
      await(
          "heartbeats",
          () -> server.heartbeats().stream().filter(FakeServer.Req::ok).count() >= 2,
          20);
      assertTrue(agent.isAlive(), Files.readString(log));
      // the job loop detected its helpers (the CUDA probe faulty too) and went on: its next step
      // is the capabilities request, which this server answers 404; before, a crash in cuInit
      // took the agent down here
      await("the job loop past the CUDA probe", () -> logHas("jobs: the server has no"), 20);
      assertTrue(agent.isAlive(), Files.readString(log));
      assertNoFiles(work);
      System.out.println("run with NVML " + fault + ": first report after " + ms + " ms");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"hang", "crash"})
  void collectExitsZeroWithTheDiagnostic(String fault) throws Exception {
    Process p =
        start(
            fault,
            "collect",
            "--nvml",
            "--driver-timeout",
            "2s",
            "--fsroot",
            tree.root().toString());
    Path out = tmp.resolve("out");
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "collect hung");
    assertEquals(0, p.exitValue(), Files.readString(log));
    String report = Files.readString(out);
    assertTrue(report.contains("nvml: absent (" + expected(fault)), report);
    assertNoFiles(work);
  }

  /**
   * SIGTERM during {@code run}'s first scan (NVML hanging, a long driver timeout): a clean stop,
   * exit 0 within the grace with one line, and no child left (eighteenth security review: exit 143
   * without a word, the hook not yet installed).
   */
  @org.junit.jupiter.api.Test
  void aStopDuringTheFirstScanIsACleanOne() throws Exception {
    Path token = Files.writeString(tmp.resolve("token"), TOKEN + "\n");
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
    try (FakeServer server = new FakeServer(TOKEN).start()) {
      Process agent =
          start(
              "hang",
              "run",
              "--server",
              server.url(),
              "--token-file",
              token.toString(),
              "--fsroot",
              tree.root().toString(),
              "--nvml",
              "--driver-timeout",
              "5m",
              "--spool",
              tmp.resolve("spool").toString());
      await("the NVML child", () -> agent.descendants().findAny().isPresent(), 20);
      List<ProcessHandle> children = agent.descendants().toList();
      long t0 = System.nanoTime();
      agent.destroy();
      assertTrue(agent.waitFor(10, TimeUnit.SECONDS), "the agent did not stop");
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertEquals(0, agent.exitValue(), Files.readString(log));
      assertTrue(ms < 5_000, "stopped in " + ms + " ms");
      assertTrue(logHas("stopped before the first report was sent"), Files.readString(log));
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
    await("the NVML child", () -> agent.descendants().findAny().isPresent(), 20);
    ProcessHandle child = agent.descendants().findFirst().orElseThrow();
    agent.destroy();
    assertTrue(agent.waitFor(10, TimeUnit.SECONDS), "the agent did not stop");
    child.onExit().get(10, TimeUnit.SECONDS);
    assertTrue(!child.isAlive());
  }

  @org.junit.jupiter.api.Test
  void capabilitiesNameACrashingCudaDriver() throws Exception {
    Process p = start("crash", "bandwidth", "--capabilities");
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bandwidth --capabilities hung");
    assertEquals(0, p.exitValue(), Files.readString(log));
    String out = Files.readString(tmp.resolve("out"));
    assertTrue(
        out.contains(
            "CUDA driver: the CUDA driver probe exited with 1 (crashed in native code: C"
                + " [libcuda.so"),
        out);
    assertNoFiles(work);
  }

  private static String expected(String fault) {
    return fault.equals("hang")
        ? "no answer within 2 s"
        : "the NVML reader exited with 1 (crashed in native code: C [libnvidia-ml.so";
  }

  /** The shaded jar with the doubles, both faulty, working in an empty folder. */
  private Process start(String fault, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Djna.library.path=" + AgentProcess.TEST_NATIVE);
    cmd.add("-Djava.io.tmpdir=" + javaTmp);
    cmd.add("-jar");
    cmd.add(
        Path.of(System.getProperty("fabricscope.agentJar", "target/fabricscope-agent.jar"))
            .toAbsolutePath()
            .toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
    pb.environment()
        .putAll(Map.of("FAKE_NVML_FAULT", fault, "FAKE_CUDA_FAULT", fault, "FAKE_NVML_DATA", ""));
    Process p = pb.redirectOutput(tmp.resolve("out").toFile()).redirectError(log.toFile()).start();
    agents.add(p);
    return p;
  }

  private void await(String what, BooleanSupplier cond, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what + "\n" + Files.readString(log));
      }
      Thread.sleep(50);
    }
  }

  private boolean logHas(String text) {
    try {
      return Files.readString(log).contains(text);
    } catch (IOException e) {
      return false;
    }
  }

  private static void assertNoFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of(), s.toList(), "written to the working folder");
    }
  }
}
