package dev.fabricscope.agent.run;

import dev.fabricscope.topology.Report;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The periodic scan, off the run loop's thread. A scan reads NVML in a child JVM with a deadline of
 * its own ({@code --driver-timeout}, 30 s) and walks sysfs, which a hot-plugging or sick device can
 * slow down; on the loop's thread it would hold back heartbeats and spool sends, and the server
 * would call a live host stale.
 *
 * <p>At most one scan runs, from {@link #tick} until the loop {@link #take takes} its outcome: a
 * tick meanwhile starts nothing and counts an overdue scan. Scans queued behind a slow one would
 * only pile up load on a host already struggling, and report what the next scan reports anyway. The
 * first overrun of the interval is logged once, with how long the scan has run, and the return to
 * scans within the interval once, with how many were skipped: never one line per tick.
 *
 * <p>{@link #tick} and {@link #take} belong to the loop's thread; the scan thread only hands its
 * outcome over and calls {@code onDone} to wake the loop.
 */
final class ScanWorker {

  /**
   * A finished scan.
   *
   * @param report what it found, or null when it failed
   * @param failure why it failed, for the log; null when it did not
   * @param tookNanos how long it ran
   */
  record Outcome(Report report, String failure, long tookNanos) {}

  private final Supplier<Report> scanner;
  private final Executor executor;
  private final LoopClock clock;
  private final long intervalNanos;
  private final AgentLog log;
  private final Runnable onDone;
  private final AtomicReference<Outcome> finished = new AtomicReference<>();

  // the loop thread's alone
  private boolean running;
  private long startedAt;
  private boolean overrunning;
  private long skipped;
  private long longestNanos;

  /**
   * @param executor runs each scan; a single daemon thread in the agent
   * @param onDone called on the scan's thread once its outcome can be taken
   */
  ScanWorker(
      Supplier<Report> scanner,
      Executor executor,
      LoopClock clock,
      Duration interval,
      AgentLog log,
      Runnable onDone) {
    this.scanner = scanner;
    this.executor = executor;
    this.clock = clock;
    this.intervalNanos = interval.toNanos();
    this.log = log;
    this.onDone = onDone;
  }

  /** The agent's scan thread: one, a daemon, so that a scan still running never holds the JVM. */
  static ExecutorService ownThread() {
    return Executors.newSingleThreadExecutor(
        r -> {
          Thread t = new Thread(r, "agent-scan");
          t.setDaemon(true);
          return t;
        });
  }

  /** A scan is due: starts one, unless one is still running (then it is skipped, counted). */
  void tick(long now) {
    if (running) {
      skipped++;
      if (!overrunning) {
        overrunning = true;
        log.info(
            "scan running for "
                + Durations.format(Duration.ofNanos(now - startedAt))
                + ", longer than the interval "
                + Durations.format(Duration.ofNanos(intervalNanos))
                + ": the next scan waits for it; heartbeats and sends go on");
      }
      return;
    }
    running = true;
    startedAt = now;
    try {
      executor.execute(() -> scanOnce(now));
    } catch (RejectedExecutionException e) {
      running = false; // only when the agent is going down; the next tick tries again
      log.info("scan not started: " + e.getMessage());
    }
  }

  /** The outcome of the scan that ended since the last call, or null; frees the worker for more. */
  Outcome take() {
    Outcome o = finished.getAndSet(null);
    if (o == null) {
      return null;
    }
    running = false;
    longestNanos = Math.max(longestNanos, o.tookNanos());
    if (o.tookNanos() > intervalNanos && !overrunning) {
      // ended between two ticks (the loop was busy sending): an overrun all the same
      overrunning = true;
      log.info(
          "scan took "
              + Durations.format(Duration.ofNanos(o.tookNanos()))
              + ", longer than the interval "
              + Durations.format(Duration.ofNanos(intervalNanos)));
    } else if (o.tookNanos() <= intervalNanos && overrunning) {
      log.info(
          "scans within the interval again: this one took "
              + Durations.format(Duration.ofNanos(o.tookNanos()))
              + ", the longest "
              + Durations.format(Duration.ofNanos(longestNanos))
              + "; "
              + skipped
              + " overdue scan(s) skipped");
      overrunning = false;
      skipped = 0;
      longestNanos = 0;
    }
    return o;
  }

  /** Whether a finished scan waits to be taken: the loop must not sleep past it. */
  boolean hasOutcome() {
    return finished.get() != null;
  }

  private void scanOnce(long started) {
    Report r = null;
    // an Error escaping the scan still hands an outcome over, else no scan would ever start again
    String failure = "scan ended abruptly";
    try {
      r = scanner.get();
      failure = null;
    } catch (RuntimeException e) {
      // a live tree changes under our feet (hot unplug); the next interval tries again
      failure = e.toString();
    } finally {
      finished.set(new Outcome(r, failure, clock.nanoTime() - started));
      onDone.run();
    }
  }
}
