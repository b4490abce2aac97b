package dev.fabricscope.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random schedules of scan durations (some far longer than the heartbeat period, some failing) and
 * server answers (OK, RETRY with and without Retry-After, 409 to heartbeats) and request latencies,
 * in virtual time, checked against what the loop promises:
 *
 * <ul>
 *   <li>the server hears from the agent on time: after an acknowledged request the next comes
 *       within the heartbeat period, after a failed one within the retry cap, after a 409 at once —
 *       however long a scan runs;
 *   <li>never two scans at once, never two requests at once;
 *   <li>reports go out in the order they were collected, and none collected is lost.
 * </ul>
 *
 * A failing schedule names its seed; {@code -Dschedule.seed=N} replays it alone.
 */
class RunLoopScheduleTest {

  private static final long MS = 1_000_000L;
  private static final long S = 1000 * MS;
  private static final long HEARTBEAT = 10 * S;
  private static final long RETRY_CAP = 4 * S;
  private static final long HORIZON = 900 * S;
  private static final int SCHEDULES = 60;

  @TempDir Path dir;

  @Test
  void randomSchedulesKeepTheLoopsPromises() throws Exception {
    Long only = Long.getLong("schedule.seed");
    if (only != null) {
      runOne(only);
      return;
    }
    for (long seed = 1; seed <= SCHEDULES; seed++) {
      runOne(seed);
    }
  }

  private void runOne(long seed) throws Exception {
    Random scanRandom = new Random(seed);
    Random serverRandom = new Random(seed * 31 + 7);
    Random jitter = new Random(seed * 17 + 3);
    long interval = new long[] {3 * S, 10 * S, 30 * S, 90 * S}[scanRandom.nextInt(4)];
    long maxLatency = new long[] {0, 200 * MS, 2 * S}[serverRandom.nextInt(3)];
    int[] version = {1};
    VirtualClock clock = new VirtualClock();
    ScriptedScans scans =
        new ScriptedScans(
            clock,
            n -> {
              double p = scanRandom.nextDouble();
              long nanos =
                  p < 0.55
                      ? (long) (scanRandom.nextDouble() * S)
                      : p < 0.85 ? interval + (long) (scanRandom.nextDouble() * 5 * HEARTBEAT) : 0;
              if (scanRandom.nextDouble() < 0.4) {
                version[0]++;
              }
              return new ScriptedScans.Step(nanos, p > 0.95 ? -1 : version[0]);
            });
    ScriptedServer server =
        new ScriptedServer(
            clock::nanoTime,
            clock::pass,
            new ScriptedServer.Script() {
              @Override
              public Sender.Kind answer(boolean isReport, int v) {
                double p = serverRandom.nextDouble();
                if (isReport) {
                  return p < 0.65 ? Sender.Kind.OK : Sender.Kind.RETRY;
                }
                return p < 0.6
                    ? Sender.Kind.OK
                    : p < 0.8 ? Sender.Kind.RETRY : Sender.Kind.CONFLICT;
              }

              @Override
              public long latencyNanos() {
                return (long) (serverRandom.nextDouble() * maxLatency);
              }

              @Override
              public Duration retryAfter() {
                return serverRandom.nextBoolean()
                    ? null
                    : Duration.ofSeconds(serverRandom.nextInt(10));
              }
            });
    Path spoolDir = dir.resolve("spool-" + seed);
    ByteArrayOutputStream logged = new ByteArrayOutputStream();
    AgentLog log = new AgentLog(new PrintStream(logged, true, StandardCharsets.UTF_8));
    try (Spool spool = Spool.open(spoolDir, Spool.Bounds.DEFAULT, log::info)) {
      RunLoop loop =
          new RunLoop(
              scans,
              clock.scanThreads(),
              clock,
              spool,
              server,
              new Backoff(Duration.ofSeconds(1), Duration.ofNanos(RETRY_CAP), jitter::nextDouble),
              Duration.ofNanos(RETRY_CAP),
              Duration.ofNanos(interval),
              Duration.ofNanos(HEARTBEAT),
              log);
      clock.horizon(Duration.ofNanos(HORIZON), loop::stop);
      assertTimeoutPreemptively(
          Duration.ofSeconds(60),
          () -> loop.run(ScriptedServer.report(1)),
          () -> "seed " + seed + " did not finish");
    } finally {
      clock.releaseAll();
    }
    String where =
        "seed "
            + seed
            + " (interval "
            + interval / MS
            + " ms, latency ≤ "
            + maxLatency / MS
            + " ms): ";
    check(where, server, scans, spoolDir, maxLatency);
  }

  private static void check(
      String where, ScriptedServer server, ScriptedScans scans, Path spoolDir, long maxLatency) {
    assertEquals(1, scans.maxActive(), where + "two scans at once");
    assertEquals(1, server.maxInFlight(), where + "two requests at once");
    List<ScriptedServer.Request> all = server.requests();
    assertEquals(0, all.get(0).start(), where + "the first report goes out at start");
    for (int i = 0; i < all.size(); i++) {
      ScriptedServer.Request r = all.get(i);
      long due =
          r.end()
              + switch (r.answer()) {
                case OK -> HEARTBEAT;
                case RETRY -> RETRY_CAP;
                case CONFLICT, REJECTED -> 0;
              };
      if (due + MS >= HORIZON) {
        continue;
      }
      assertTrue(i + 1 < all.size(), where + "nothing after " + r);
      ScriptedServer.Request next = all.get(i + 1);
      assertTrue(next.start() >= r.end(), where + "overlap: " + r + " then " + next);
      assertTrue(
          next.start() <= due + MS,
          where + "late by " + (next.start() - due) / MS + " ms: " + r + " then " + next);
    }
    int last = 0;
    Set<Integer> delivered = new HashSet<>();
    for (ScriptedServer.Request r : server.reports()) {
      assertTrue(r.version() >= last, where + "report v" + r.version() + " after v" + last);
      last = r.version();
      if (r.answer() == Sender.Kind.OK) {
        delivered.add(r.version());
      }
    }
    for (String body : SpoolContents.reports(spoolDir)) {
      int v = ScriptedServer.version(body.getBytes(StandardCharsets.UTF_8));
      assertTrue(v >= last, where + "spooled v" + v + " behind sent v" + last);
      delivered.add(v);
    }
    for (ScriptedScans.Ran scan : scans.ran()) {
      // a scan ending while the last request before the stop was in flight is dropped with it
      if (scan.version() >= 0 && scan.end() < HORIZON - maxLatency - MS) {
        assertTrue(
            delivered.contains(scan.version()),
            where
                + "v"
                + scan.version()
                + " of the scan ending at "
                + scan.end() / MS
                + " ms lost");
      }
    }
  }
}
