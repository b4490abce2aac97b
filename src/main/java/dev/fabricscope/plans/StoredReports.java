package dev.fabricscope.plans;

import dev.fabricscope.topology.Report;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BiConsumer;
import org.jboss.logging.Logger;

/**
 * The reports this replica has just stored, waiting to be planned by one background thread, at most
 * one per host (a newer snapshot replaces the waiting one: only a host's latest is ranked) and at
 * most {@link #MAX_WAITING} hosts (a report is held in memory while it waits; beyond that the
 * snapshot event reads it back from the database instead). Planning off the ingest thread because
 * it is not always cheap: 0.013 ms for the DGX-2, 0.5–0.9 ms for the 274-function, 40-GPU host of
 * bench/ingest-bench.sh.
 *
 * <p>One host is planned ahead at most once per {@link #PACE}: a snapshot of a host planned less
 * than that ago is left to the ranking, which plans any host whose latest snapshot has no offer
 * (the snapshot event skips it too). Without the pace, hosts that report continuously kept this
 * thread planning offers nobody ranked (the ingest benchmark's 64 agents: about 250 offers a second
 * on a 2-core machine), and keeping their parsed reports waiting, or reading them back later, cost
 * ingest as much again. A mass import, one snapshot per host, is not slowed.
 */
final class StoredReports {

  private static final Logger LOG = Logger.getLogger(StoredReports.class);

  /** Most hosts whose report waits. */
  static final int MAX_WAITING = 256;

  /** Least time between two plans ahead of one host. */
  static final Duration PACE = Duration.ofSeconds(2);

  /** A stored snapshot's report. */
  record Waiting(long snapshotId, Report report) {}

  private final Map<String, Waiting> byHost = new ConcurrentHashMap<>();
  private final BlockingQueue<String> hosts = new LinkedBlockingQueue<>();
  private final BiConsumer<String, Waiting> planner;
  private final long paceNanos;
  // when each host was last planned ahead (System.nanoTime), here or by the snapshot event
  private final Map<String, Long> plannedAt = new ConcurrentHashMap<>();
  private Thread thread;

  /** {@code planner} plans one host's waiting report (on the background thread). */
  StoredReports(BiConsumer<String, Waiting> planner) {
    this(planner, PACE);
  }

  /** With another pace (tests). */
  StoredReports(BiConsumer<String, Waiting> planner, Duration pace) {
    this.planner = planner;
    this.paceNanos = pace.toNanos();
  }

  /**
   * Queues a stored snapshot's report; false when too many wait (then it is not kept). A host
   * within its pace is not queued (true: nothing more to do, the ranking plans it).
   */
  boolean add(String host, long snapshotId, Report report) {
    if (paced(host)) {
      return true;
    }
    if (byHost.size() >= MAX_WAITING && !byHost.containsKey(host)) {
      return false;
    }
    Waiting w = new Waiting(snapshotId, report);
    boolean[] fresh = {false};
    byHost.compute(
        host,
        (h, old) -> {
          fresh[0] = old == null;
          return old != null && old.snapshotId() > snapshotId ? old : w;
        });
    // a host already waiting is in the queue once; the planner queues it again when it finds a
    // newer report than the one it planned
    if (fresh[0]) {
      hosts.offer(host);
    }
    start();
    return true;
  }

  /** Whether {@code host} was planned ahead less than the pace ago. */
  boolean paced(String host) {
    Long last = plannedAt.get(host);
    return last != null && System.nanoTime() - last < paceNanos;
  }

  /** Notes that {@code host} was planned ahead now (the snapshot event's planning). */
  void planned(String host) {
    plannedAt.put(host, System.nanoTime());
  }

  /** Whether a snapshot of {@code host} at least as new as {@code snapshotId} waits. */
  boolean waiting(String host, long snapshotId) {
    Waiting w = byHost.get(host);
    return w != null && w.snapshotId() >= snapshotId;
  }

  /** The waiting report of exactly that snapshot, else null. */
  Report report(String host, long snapshotId) {
    Waiting w = byHost.get(host);
    return w != null && w.snapshotId() == snapshotId ? w.report() : null;
  }

  /** Hosts whose report waits (tests). */
  int size() {
    return byHost.size();
  }

  private synchronized void start() {
    if (thread != null) {
      return;
    }
    thread =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                String host;
                try {
                  host = hosts.take();
                } catch (InterruptedException e) {
                  return;
                }
                Waiting w = byHost.get(host);
                if (w == null) {
                  continue;
                }
                try {
                  planned(host);
                  planner.accept(host, w);
                } catch (Throwable e) {
                  // an Error too (OutOfMemoryError): one host must not end the planning of every
                  // later one. The ranking plans it from the stored report; this thread goes on
                  LOG.errorf(e, "host selection: offer of %s not computed ahead", host);
                } finally {
                  // a newer report that came meanwhile stays, and its host is queued again
                  if (!byHost.remove(host, w)) {
                    hosts.offer(host);
                  }
                }
              }
            },
            "host-offers-stored");
    thread.setDaemon(true);
    thread.start();
  }

  synchronized void stop() {
    if (thread != null) {
      thread.interrupt();
    }
  }
}
