package dev.fabricscope.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.topology.Report;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scan slower than the heartbeat period (NVML's child JVM may take its whole 30 s deadline) once
 * held the run loop: no heartbeats and no sends until it ended, and the server called the live host
 * stale. Scans now run beside the loop ({@link ScanWorker}); virtual time ({@link VirtualClock})
 * makes the expected times exact.
 */
class RunLoopSlowScanTest {

  private static final long S = 1_000_000_000L;

  @TempDir Path dir;
  private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
  private final AgentLog log = new AgentLog(new PrintStream(logged, true, StandardCharsets.UTF_8));
  private final VirtualClock clock = new VirtualClock();
  private Spool spool;

  @BeforeEach
  void openSpool() throws Exception {
    spool = Spool.open(dir.resolve("spool"), Spool.Bounds.DEFAULT, log::info);
  }

  @AfterEach
  void closeSpool() throws Exception {
    clock.releaseAll();
    spool.close();
  }

  private RunLoop virtualLoop(ScriptedScans scans, ScriptedServer server, long horizonSeconds) {
    RunLoop loop =
        new RunLoop(
            scans,
            clock.scanThreads(),
            clock,
            spool,
            server,
            new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(4), () -> 0.5),
            Duration.ofSeconds(4),
            Duration.ofSeconds(30),
            Duration.ofSeconds(10),
            log);
    clock.horizon(Duration.ofSeconds(horizonSeconds), loop::stop);
    return loop;
  }

  private static List<Long> startSeconds(List<ScriptedServer.Request> requests) {
    return requests.stream().map(r -> r.start() / S).toList();
  }

  @Test
  void heartbeatsGoOnWhileAScanRunsForTenPeriodsAndItsReportFollowsAtOnce() {
    // the scan starting at 30 s runs 100 s; the ones after take a second; all report version 2
    ScriptedScans scans =
        new ScriptedScans(clock, n -> new ScriptedScans.Step(n == 0 ? 100 * S : S, 2));
    ScriptedServer server = new ScriptedServer(clock::nanoTime, clock::pass, (r, v) -> OK);
    RunLoop loop = virtualLoop(scans, server, 200);

    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> loop.run(ScriptedServer.report(1)));

    List<ScriptedServer.Request> reports = server.reports();
    assertEquals(List.of(0L, 130L), startSeconds(reports), "v1 at start, v2 when its scan ended");
    assertEquals(List.of(1, 2), reports.stream().map(ScriptedServer.Request::version).toList());
    List<Long> beats = startSeconds(server.heartbeats()).stream().filter(t -> t < 130).toList();
    assertEquals(List.of(10L, 20L, 30L, 40L, 50L, 60L, 70L, 80L, 90L, 100L, 110L, 120L), beats);
    // the ticks at 60, 90 and 120 s found the scan running: none started until the one at 150 s
    assertEquals(List.of(30L, 150L, 180L), scans.started().stream().map(t -> t / S).toList());
    assertEquals(1, scans.maxActive());
    assertEquals(1, server.maxInFlight());
    String text = logged.toString(StandardCharsets.UTF_8);
    assertEquals(1, count(text, "longer than the interval 30s"), text);
    assertTrue(text.contains("scan running for 30s, longer than the interval 30s"), text);
    assertEquals(1, count(text, "scans within the interval again"), text);
    assertTrue(text.contains("the longest 100s; 3 overdue scan(s) skipped"), text);
  }

  @Test
  void aConflictDuringASlowScanSendsTheFullReportFromMemory() {
    ScriptedScans scans = new ScriptedScans(clock, n -> new ScriptedScans.Step(100 * S, 1));
    AtomicInteger beats = new AtomicInteger();
    ScriptedServer server =
        new ScriptedServer(
            clock::nanoTime,
            clock::pass,
            (isReport, v) -> !isReport && beats.incrementAndGet() == 2 ? CONFLICT : OK);
    RunLoop loop = virtualLoop(scans, server, 60);

    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> loop.run(ScriptedServer.report(1)));

    List<ScriptedServer.Request> all = server.requests();
    // 0: report; 10: heartbeat; 20: heartbeat answered 409, the report again at once
    assertFalse(all.get(2).isReport());
    assertEquals(CONFLICT, all.get(2).answer());
    assertTrue(all.get(3).isReport());
    assertEquals(20 * S, all.get(3).start());
    assertEquals(1, all.get(3).version());
    assertEquals(List.of(30L, 40L, 50L), startSeconds(all.subList(4, all.size())));
    assertEquals(1, scans.started().size(), "the running scan was not waited for, nor doubled");
  }

  @Test
  void stopDuringABlockedScanReturnsPromptlyAndDropsItsReport() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    Supplier<Report> blocking =
        () -> {
          calls.incrementAndGet();
          entered.countDown();
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return ScriptedServer.report(2);
        };
    ScriptedServer server = new ScriptedServer(System::nanoTime, nanos -> {}, (r, v) -> OK);
    ExecutorService scanThread = ScanWorker.ownThread();
    RunLoop loop =
        new RunLoop(
            blocking,
            scanThread,
            LoopClock.SYSTEM,
            spool,
            server,
            new Backoff(Duration.ofMillis(10), Duration.ofMillis(40), () -> 0.5),
            Duration.ofMillis(40),
            Duration.ofMillis(100),
            Duration.ofMillis(50),
            log);
    Thread t =
        new Thread(
            () -> {
              try {
                loop.run(ScriptedServer.report(1));
              } catch (Exception e) {
                throw new AssertionError(e);
              }
            });
    t.start();
    try {
      assertTrue(entered.await(10, TimeUnit.SECONDS), "the first periodic scan started");
      int before = server.heartbeats().size();
      Thread.sleep(700); // fourteen heartbeat periods, seven intervals
      assertTrue(
          server.heartbeats().size() - before >= 4,
          "heartbeats went on during the scan: " + server.heartbeats().size());
      long t0 = System.nanoTime();
      loop.stop();
      t.join(5000);
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertFalse(t.isAlive(), "run returned");
      assertTrue(ms < 1000, "stop took " + ms + " ms");
      assertEquals(1, calls.get(), "no second scan while the first ran");
    } finally {
      release.countDown();
      scanThread.shutdown();
      assertTrue(scanThread.awaitTermination(5, TimeUnit.SECONDS));
    }
    assertEquals(List.of(1), server.reports().stream().map(r -> r.version()).toList());
    assertEquals(0, spool.depth(), "the scan that ended after the stop was not spooled");
  }

  private static final Sender.Kind OK = Sender.Kind.OK;
  private static final Sender.Kind CONFLICT = Sender.Kind.CONFLICT;

  static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
