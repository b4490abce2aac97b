package dev.fabricscope.agent.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fabricscope.report.ContentHash;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.sysfs.PeriodicScanner;
import dev.fabricscope.topology.Report;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * The agent's main loop, on one thread: collect every interval, spool the report when its content
 * changed, send the spool oldest first, and heartbeat when nothing changed for a while.
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

  private final PeriodicScanner scanner;
  private final Spool spool;
  private final Sender sender;
  private final Backoff backoff;
  private final Duration retryCap;
  private final long intervalNanos;
  private final long heartbeatNanos;
  private final AgentLog log;
  private final Object wake = new Object();
  private volatile boolean stopping;

  /** Hash of the newest content spooled or acknowledged: what "changed" is measured against. */
  private String newestHash;

  /** Hash and host of the last report the server acknowledged: what heartbeats name. */
  private String ackedHash;

  private String ackedHost;
  private String host = "unknown";
  private long nextCollect;
  private long nextHeartbeat;
  private long retryAt;

  public RunLoop(
      PeriodicScanner scanner,
      Spool spool,
      Sender sender,
      Backoff backoff,
      Duration retryCap,
      Duration interval,
      Duration heartbeat,
      AgentLog log) {
    this.scanner = scanner;
    this.spool = spool;
    this.sender = sender;
    this.backoff = backoff;
    this.retryCap = retryCap;
    this.intervalNanos = interval.toNanos();
    this.heartbeatNanos = heartbeat.toNanos();
    this.log = log;
  }

  /**
   * Runs until {@link #stop()}.
   *
   * @param first the report of the start-up scan (already validated by the caller)
   */
  public void run(Report first) throws IOException {
    Optional<Spool.Entry> pending = spool.newest();
    if (pending.isPresent()) {
      newestHash = ContentHash.of(spool.read(pending.get()));
      log.info("resuming " + spool.depth() + " spooled report(s) (" + spool.bytes() + " bytes)");
    }
    long now = System.nanoTime();
    retryAt = now;
    spoolIfChanged(first);
    nextCollect = now + intervalNanos;
    while (!stopping) {
      now = System.nanoTime();
      if (now - nextCollect >= 0) {
        nextCollect = now + intervalNanos;
        collect();
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
    synchronized (wake) {
      wake.notifyAll();
    }
  }

  /** Spool depth, for the shutdown log. */
  public int depth() {
    return spool.depth();
  }

  private void collect() {
    Report r;
    try {
      r = scanner.scan();
    } catch (RuntimeException e) {
      // a live tree changes under our feet (hot unplug); the next interval tries again
      log.info("collect failed: " + e);
      return;
    }
    if (stopping) {
      return; // a scan that ended after the stop began may have read a tree being removed
    }
    spoolIfChanged(r);
  }

  private void spoolIfChanged(Report r) {
    if (r.host() != null && r.host().name() != null) {
      host = r.host().name();
    }
    byte[] body = ReportJson.write(r).getBytes(StandardCharsets.UTF_8);
    String hash = ContentHash.of(body);
    if (hash.equals(newestHash)) {
      return;
    }
    try {
      Spool.Entry e = spool.add(body);
      newestHash = hash;
      log.info(
          "collected host="
              + host
              + " changed: spooled seq="
              + e.seq()
              + " bytes="
              + body.length
              + " spool="
              + spool.depth());
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
        ackedHost = hostOf(body, r);
        if (r.host() != null) {
          host = r.host(); // the server's name for us, when the report has none
        }
        succeeded();
        logSend("report", e.seq(), body.length, r, "");
      }
      case REJECTED, CONFLICT -> {
        spool.park(e);
        retryAt = System.nanoTime(); // the server is up: go on with the next report at once
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
        // the server lacks our content (409), or refuses heartbeats: send the full report now
        ackedHash = null;
        newestHash = null;
        nextCollect = System.nanoTime();
        retryAt = System.nanoTime();
        backoff.reset();
        logSend("heartbeat", -1, 0, r, " sending full report");
      }
      case RETRY -> logSend("heartbeat", -1, 0, r, retryLater(r));
    }
  }

  private void succeeded() {
    backoff.reset();
    retryAt = System.nanoTime();
    nextHeartbeat = System.nanoTime() + heartbeatNanos;
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
    retryAt = System.nanoTime() + d.toNanos();
    return " retry-in=" + Durations.format(d) + " attempt=" + backoff.failures();
  }

  private void logSend(String what, long seq, int bytes, Sender.Response r, String tail) {
    StringBuilder b = new StringBuilder(what).append(" host=").append(host);
    if (seq >= 0) {
      b.append(" seq=").append(seq).append(" bytes=").append(bytes);
    }
    b.append(" status=").append(r.status() == 0 ? "-" : String.valueOf(r.status()));
    if (!r.detail().isEmpty()) {
      b.append(r.kind() == Sender.Kind.OK ? " outcome=" : " error=\"")
          .append(r.detail())
          .append(r.kind() == Sender.Kind.OK ? "" : "\"");
    }
    b.append(" latency=").append(r.latencyMillis()).append("ms spool=").append(spool.depth());
    log.info(b.append(tail).toString());
  }

  /** The host the server named in its answer, else the report's host name. */
  private String hostOf(byte[] body, Sender.Response r) {
    if (r.host() != null) {
      return r.host();
    }
    try {
      JsonNode n = ReportJson.mapper().readTree(body);
      String name = n.path("host").path("name").asText(null);
      return name != null ? name : host;
    } catch (IOException e) {
      return host;
    }
  }

  private void sleepNanos(long nanos) {
    if (nanos <= 0) {
      return;
    }
    long ms = Math.max(1, nanos / 1_000_000);
    synchronized (wake) {
      if (stopping) {
        return;
      }
      try {
        wake.wait(ms);
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
