package dev.fabricscope.agent.run;

import dev.fabricscope.report.ContentHash;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.topology.Report;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The agent's main loop: collect every interval, spool the report when its content changed, send
 * the spool oldest first, and heartbeat when nothing changed for a while.
 *
 * <p>Sending, spooling and heartbeats are this loop's thread alone, so there are never two requests
 * at once and the spool is sent in order. Scans run on a {@link ScanWorker} of their own: a scan
 * slower than the heartbeat period (NVML in a child JVM may take its whole {@code
 * --driver-timeout}) must not make the server call a live host stale. A scan's report is spooled
 * and sent as soon as it ends; heartbeats meanwhile name the last acknowledged report.
 *
 * <p>"Changed" compares the SHA-256 of the report bytes with the newest content already on its way
 * — the newest spooled report, else the last one the server acknowledged — so a tree that flips
 * A→B→A during an outage spools both changes (the server's history sees them) while an unchanged
 * tree spools nothing. The first collection after start is always sent: the agent does not persist
 * what the server has, and the server answers a known body with UNCHANGED.
 *
 * <p>Failures of the server (5xx, 408, 429, connection errors, timeouts) are retried with {@link
 * Backoff}; collection goes on meanwhile, so changes during an outage are spooled, not lost. Any
 * other 4xx parks the report in the spool's {@code rejected/} folder: the same bytes would be
 * refused again, and retrying forever would hide the problem behind a busy loop.
 */
public final class RunLoop {

  private final ScanWorker scans;
  private final Spool spool;
  private final Transport sender;
  private final Backoff backoff;
  private final Duration retryCap;
  private final long intervalNanos;
  private final long heartbeatNanos;
  private final AgentLog log;
  private final LoopClock clock;
  private final Object wake = new Object();
  private volatile boolean stopping;

  /** Hash of the newest content spooled or acknowledged: what "changed" is measured against. */
  private String newestHash;

  /** The last report the server acknowledged: what heartbeats name, and re-sent on a 409. */
  private String ackedHash;

  private byte[] ackedBody;
  private String ackedHost;
  private String host = "unknown";
  private long nextCollect;
  private long nextHeartbeat;
  private long retryAt;

  /**
   * @param scanner the periodic scan, called on {@code scanThread} only
   * @param scanThread runs the scans ({@link ScanWorker#ownThread()} in the agent)
   */
  RunLoop(
      Supplier<Report> scanner,
      Executor scanThread,
      LoopClock clock,
      Spool spool,
      Transport sender,
      Backoff backoff,
      Duration retryCap,
      Duration interval,
      Duration heartbeat,
      AgentLog log) {
    this.scans = new ScanWorker(scanner, scanThread, clock, interval, log, this::wakeUp);
    this.clock = clock;
    this.spool = spool;
    this.sender = sender;
    this.backoff = backoff;
    this.retryCap = retryCap;
    this.intervalNanos = interval.toNanos();
    this.heartbeatNanos = heartbeat.toNanos();
    this.log = log;
  }

  /**
   * Runs until {@link #stop()}; returns without waiting for a scan still running, whose report is
   * then dropped (it may have read a tree being removed).
   *
   * @param first the report of the start-up scan (already validated by the caller)
   */
  public void run(Report first) throws IOException {
    Optional<Spool.Entry> pending = spool.newest();
    if (pending.isPresent()) {
      newestHash = ContentHash.of(spool.read(pending.get()));
      log.info("resuming " + spool.depth() + " spooled report(s) (" + spool.bytes() + " bytes)");
    }
    long now = clock.nanoTime();
    retryAt = now;
    spoolIfChanged(first);
    nextCollect = now + intervalNanos;
    while (!stopping) {
      now = clock.nanoTime();
      ScanWorker.Outcome done = scans.take();
      if (done != null) {
        collected(done);
        continue;
      }
      if (now - nextCollect >= 0) {
        nextCollect = now + intervalNanos;
        scans.tick(now);
        continue;
      }
      if (now - retryAt >= 0) {
        if (spool.depth() > 0) {
          sendOldest();
          continue;
        }
        if (ackedHash != null && now - nextHeartbeat >= 0) {
          heartbeat();
          continue;
        }
      }
      long until = nextCollect;
      if (spool.depth() > 0) {
        until = earliest(until, retryAt);
      } else if (ackedHash != null) {
        until = earliest(until, latest(retryAt, nextHeartbeat));
      }
      sleepNanos(until - now);
    }
  }

  /** Ends {@link #run} soon: after the current step; a request in flight may still finish. */
  public void stop() {
    stopping = true;
    wakeUp();
  }

  /** Spool depth, for the shutdown log. */
  public int depth() {
    return spool.depth();
  }

  private void wakeUp() {
    synchronized (wake) {
      wake.notifyAll();
    }
  }

  private void collected(ScanWorker.Outcome o) {
    if (stopping) {
      return; // a scan that ended after the stop began may have read a tree being removed
    }
    if (o.report() == null) {
      log.info("collect failed: " + o.failure());
      return;
    }
    spoolIfChanged(o.report());
  }

  private void spoolIfChanged(Report r) {
    if (r.host() != null && r.host().name() != null) {
      host = r.host().name();
    }
    byte[] body = ReportJson.write(r).getBytes(StandardCharsets.UTF_8);
    String hash = ContentHash.of(body);
    if (!hash.equals(newestHash)) {
      spool(body, hash, "collected host=" + host + " changed");
    }
  }

  private void spool(byte[] body, String hash, String why) {
    try {
      Spool.Entry e = spool.add(body);
      newestHash = hash;
      log.info(
          why + ": spooled seq=" + e.seq() + " bytes=" + body.length + " spool=" + spool.depth());
    } catch (IOException e) {
      // disk full or gone: newestHash stays, so the next collection tries to spool it again
      log.info("cannot spool report: " + e.getMessage());
    }
  }

  private void sendOldest() throws IOException {
    Spool.Entry e = spool.oldest().orElseThrow();
    byte[] body;
    try {
      body = spool.read(e);
    } catch (IOException ex) {
      log.info("spooled report seq=" + e.seq() + " unreadable, parked: " + ex.getMessage());
      spool.park(e);
      return;
    }
    Sender.Response r = sender.postReport(body);
    switch (r.kind()) {
      case OK -> {
        // delete only now: a crash before this line re-sends a body the server already has,
        // which it answers UNCHANGED
        spool.delete(e);
        ackedHash = ContentHash.of(body);
        ackedBody = body;
        ackedHost = SendLines.hostOf(body, r, host);
        if (r.host() != null) {
          host = r.host(); // the server's name for us, when the report has none
        }
        succeeded();
        logSend("report", e.seq(), body.length, r, "");
      }
      case REJECTED, CONFLICT -> {
        spool.park(e);
        retryAt = clock.nanoTime(); // the server is up: go on with the next report at once
        backoff.reset();
        logSend("report", e.seq(), body.length, r, " parked in " + spool.dir() + "/rejected");
      }
      case RETRY -> logSend("report", e.seq(), body.length, r, retryLater(r));
    }
  }

  private void heartbeat() {
    Sender.Response r = sender.heartbeat(ackedHost, ackedHash);
    switch (r.kind()) {
      case OK -> {
        succeeded();
        logSend("heartbeat", -1, 0, r, "");
      }
      case CONFLICT, REJECTED -> {
        // the server lacks our content (409), or refuses heartbeats: send the full report now,
        // from memory — a scan may be running, and waiting for it could take the whole interval
        logSend("heartbeat", -1, 0, r, " sending full report");
        byte[] body = ackedBody;
        ackedHash = null;
        ackedBody = null;
        newestHash = null; // should the spool fail, the next scan's report is spooled instead
        retryAt = clock.nanoTime();
        backoff.reset();
        spool(body, ContentHash.of(body), "heartbeat refused");
      }
      case RETRY -> logSend("heartbeat", -1, 0, r, retryLater(r));
    }
  }

  private void succeeded() {
    backoff.reset();
    retryAt = clock.nanoTime();
    nextHeartbeat = retryAt + heartbeatNanos;
  }

  private String retryLater(Sender.Response r) {
    if (stopping) {
      return "";
    }
    Duration d = backoff.next();
    if (r.retryAfter() != null) {
      // honour the server's Retry-After, but never beyond our own cap
      Duration asked = r.retryAfter().compareTo(retryCap) > 0 ? retryCap : r.retryAfter();
      d = d.compareTo(asked) < 0 ? asked : d;
    }
    retryAt = clock.nanoTime() + d.toNanos();
    return " retry-in=" + Durations.format(d) + " attempt=" + backoff.failures();
  }

  private void logSend(String what, long seq, int bytes, Sender.Response r, String tail) {
    log.info(SendLines.of(what, host, seq, bytes, r, spool.depth(), tail));
  }

  private void sleepNanos(long nanos) {
    if (nanos <= 0) {
      return;
    }
    synchronized (wake) {
      // a scan that ended since the loop last looked notified before this wait began
      if (stopping || scans.hasOutcome()) {
        return;
      }
      try {
        clock.await(wake, nanos);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stopping = true;
      }
    }
  }

  // nanoTime values may be negative and wrap: compare by difference, never by value
  private static long earliest(long a, long b) {
    return a - b <= 0 ? a : b;
  }

  private static long latest(long a, long b) {
    return a - b >= 0 ? a : b;
  }
}
