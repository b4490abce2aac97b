package dev.fabricscope.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.topology.PciFunction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run} end to end: the shaded jar as a process against {@link FakeServer}, collecting every
 * second from an unpacked fixture tree the test edits (a link retraining to another width).
 */
class RunAgentIT {

  private static final String TOKEN = "tok-" + Long.toHexString(System.nanoTime());
  private static final String BDF = "0000:00:10.0";
  private static final String WIDTH_FILE = "sys/devices/pci0000:00/0000:00:10.0/current_link_width";

  @TempDir Path tmp;
  private ArchiveExtractor.Unpacked tree;
  private Path spool;
  private Path tokenFile;
  private Path javaTmp;
  private String fsroot;
  private final List<Process> agents = new ArrayList<>();
  private int logs;

  @BeforeEach
  void setUp() throws Exception {
    tree = ArchiveExtractor.extract(Fixtures.sysfs("qemu-rig-iommu.tar.gz"));
    // give the rig a host name, so reports and heartbeats name it
    Path hostname = tree.root().resolve("proc/sys/kernel/hostname");
    Files.createDirectories(hostname.getParent());
    Files.writeString(hostname, "rig-iommu\n");
    spool = tmp.resolve("spool");
    fsroot = tree.root().toString();
    // the agent's own unpack folder, so a leftover would be seen (and /dev/shm stays clean)
    javaTmp = Files.createDirectories(tmp.resolve("jtmp"));
    tokenFile = Files.writeString(tmp.resolve("token"), TOKEN + "\n");
    Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
  }

  @AfterEach
  void tearDown() {
    agents.forEach(Process::destroyForcibly);
    tree.close();
  }

  @Test
  void deliversChangesOnceInOrderThroughOutagesAndRestarts() throws Exception {
    try (FakeServer server = new FakeServer(TOKEN).start()) {
      Process agent = start(server, "--label", "rack=r1");

      // (1) the first report arrives, with the bearer token, as JSON, with the labels
      await("first report", () -> server.accepted().size() == 1);
      FakeServer.Req first = server.accepted().get(0);
      assertEquals("Bearer " + TOKEN, first.auth());
      assertEquals("application/json", first.contentType());
      assertEquals("label=rack%3Dr1", first.query());
      assertEquals(1, width(first));

      // (2) nothing changes: heartbeats (204) only, no second report
      await("two heartbeats", () -> okHeartbeats(server) >= 2);
      assertEquals(1, server.requests().stream().filter(FakeServer.Req::isReport).count());
      assertTrue(server.heartbeats().get(0).body().contains("\"host\":\"rig-iommu\""));
      assertTrue(
          server
              .heartbeats()
              .get(0)
              .body()
              .contains(dev.fabricscope.report.ContentHash.of(bytes(first))));

      // a server that lost our content answers the heartbeat 409: the full report follows
      server.forget();
      await("full report after 409", () -> server.accepted().size() == 2);
      assertTrue(server.heartbeats().stream().anyMatch(h -> h.status() == 409));
      assertEquals(first.body(), server.accepted().get(1).body());

      // (3) the link retrains: a new report
      setWidth(8);
      await("changed report", () -> server.accepted().size() == 3);
      assertEquals(8, width(server.accepted().get(2)));

      // (4) an outage: 503 first, then no server at all; every change meanwhile is spooled
      server.mode(FakeServer.Mode.UNAVAILABLE);
      setWidth(4);
      awaitSpooled(1);
      await("a 503", () -> server.requests().stream().anyMatch(r -> r.status() == 503));
      server.stop();
      setWidth(2);
      awaitSpooled(2);
      setWidth(16);
      awaitSpooled(3);
      List<String> waiting = spooled();
      int before = server.accepted().size();
      server.mode(FakeServer.Mode.NORMAL);
      server.start();
      await("spool drained", () -> server.accepted().size() == before + 3 && spooled().isEmpty());
      List<String> delivered =
          server.accepted().subList(before, before + 3).stream().map(FakeServer.Req::body).toList();
      assertEquals(waiting, delivered, "every spooled report once, oldest first");
      assertEquals(
          List.of(4, 2, 16), delivered.stream().map(RunAgentIT::width).toList(), "in order");

      // (5) SIGTERM with a report waiting: exit 0, the spool intact, delivered after a restart
      server.stop();
      setWidth(1);
      awaitSpooled(1);
      List<String> left = spooled();
      agent.destroy();
      assertTrue(agent.waitFor(10, TimeUnit.SECONDS), "agent stops on SIGTERM");
      assertEquals(0, agent.exitValue(), log());
      assertEquals(left, spooled(), "spool intact after SIGTERM");
      assertNoTempFiles();
      String log1 = log();
      assertTrue(log1.contains("stopped: 1 report(s) left in the spool"), log1);
      assertFalse(log1.contains("Exception") || log1.contains("\tat "), log1);
      assertTrue(log1.contains("error=\"connection refused\""), log1);

      int beforeRestart = server.accepted().size();
      long heartbeats = okHeartbeats(server);
      server.start();
      Process again = start(server, "--label", "rack=r1");
      // drained, then heartbeats: the restart's own first collection (same content) is not resent
      await(
          "spooled report, then a heartbeat",
          () -> spooled().isEmpty() && okHeartbeats(server) > heartbeats);
      List<FakeServer.Req> after =
          server.accepted().subList(beforeRestart, server.accepted().size());
      assertEquals(left, after.stream().map(FakeServer.Req::body).toList(), "once, no resend");
      assertEquals(201, after.get(0).status());
      again.destroy();
      assertTrue(again.waitFor(10, TimeUnit.SECONDS));
      assertEquals(0, again.exitValue(), log());
    }
  }

  @Test
  void aRefusedReportIsParkedNotRetried() throws Exception {
    try (FakeServer server = new FakeServer(TOKEN).start()) {
      server.mode(FakeServer.Mode.REJECT);
      Process agent = start(server, "--gzip");
      await("the refusal", () -> !server.requests().isEmpty());
      Thread.sleep(2500); // several intervals and backoff periods: no retry may come
      assertEquals(1, server.requests().size(), "a 400 is not retried");
      assertEquals(400, server.requests().get(0).status());
      assertTrue(spooled().isEmpty());
      try (Stream<Path> parked = Files.list(spool.resolve("rejected"))) {
        assertEquals(1, parked.count(), "kept for a human in rejected/");
      }
      String log = log();
      assertTrue(log.contains("status=400 error=\"Bad Request: schema: test refusal\""), log);
      assertTrue(log.contains("parked in"), log);

      // the agent is not stuck: the next change goes through (gzip'ed, decoded by the server)
      server.mode(FakeServer.Mode.NORMAL);
      setWidth(2);
      await("next report", () -> server.accepted().size() == 1);
      assertEquals(2, width(server.accepted().get(0)));
      agent.destroy();
      assertTrue(agent.waitFor(10, TimeUnit.SECONDS));
      assertEquals(0, agent.exitValue());
    }
  }

  @Test
  void sigtermAbortsARequestInFlightAndKeepsItsReport() throws Exception {
    try (FakeServer server = new FakeServer(TOKEN).start()) {
      server.mode(FakeServer.Mode.HANG);
      fsroot = Fixtures.sysfs("qemu-rig-iommu.tar.gz").toString(); // unpacked by the agent
      Process agent = start(server);
      await("a request in flight", () -> !server.requests().isEmpty());
      List<String> waiting = spooled();
      assertEquals(1, waiting.size());
      long t0 = System.nanoTime();
      agent.destroy();
      assertTrue(agent.waitFor(10, TimeUnit.SECONDS));
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertEquals(0, agent.exitValue(), log());
      assertTrue(ms < 6000, "stopped within the grace period: " + ms + " ms");
      assertEquals(waiting, spooled(), "the unacknowledged report stays spooled");
      assertTrue(log().contains("error=\"aborted\""), log());
      try (Stream<Path> left = Files.list(javaTmp)) {
        assertEquals(List.of(), left.toList(), "the unpacked archive is removed on SIGTERM");
      }
    }
  }

  // --- helpers ---

  private Process start(FakeServer server, String... extra) throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "--server",
                server.url(),
                "--token-file",
                tokenFile.toString(),
                "--fsroot",
                fsroot,
                "--spool",
                spool.toString(),
                "--interval",
                "1s",
                "--heartbeat",
                "1s",
                "--retry-base",
                "100ms",
                "--retry-max",
                "500ms",
                "--timeout",
                "5s"));
    args.addAll(List.of(extra));
    Process p = AgentProcesses.start(javaTmp, args, tmp.resolve("agent-" + ++logs + ".log"));
    agents.add(p);
    return p;
  }

  /** The stderr of the agent started last. */
  private String log() throws IOException {
    return Files.readString(tmp.resolve("agent-" + logs + ".log"));
  }

  private void await(String what, BooleanSupplier cond) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what + "\n" + log());
      }
      Thread.sleep(50);
    }
  }

  private void awaitSpooled(int n) throws Exception {
    await(n + " spooled", () -> spooled().size() == n);
  }

  private List<String> spooled() {
    return SpoolContents.reports(spool);
  }

  private void assertNoTempFiles() throws IOException {
    assertEquals(List.of(), SpoolContents.tempFiles(spool));
  }

  private void setWidth(int w) throws IOException {
    Path f = tree.root().resolve(WIDTH_FILE);
    f.toFile().setWritable(true);
    Files.writeString(f, w + "\n");
  }

  private static long okHeartbeats(FakeServer s) {
    return s.heartbeats().stream().filter(h -> h.status() == 204).count();
  }

  private static byte[] bytes(FakeServer.Req r) {
    return r.body().getBytes(StandardCharsets.UTF_8);
  }

  private static int width(FakeServer.Req r) {
    return width(r.body());
  }

  private static int width(String body) {
    try {
      PciFunction f =
          ReportJson.read(body).pci().stream()
              .filter(p -> p.bdf().equals(BDF))
              .findFirst()
              .orElseThrow();
      return f.link().current().width();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
