package dev.fabricscope.plans;

import dev.fabricscope.topology.Report;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The reports this replica has just stored, waiting to be planned by one background thread, at most
 * one per host (a newer snapshot replaces the waiting one: only a host's latest is ranked) and at
 * most {@link #MAX_WAITING} hosts (a report is held in memory while it waits; beyond that the
 * snapshot event reads it back from the database instead). Planning off the ingest thread because
 * it is not always cheap: 0.013 ms for the DGX-2, but about 5 ms for the 274-function, 40-GPU host
 * of bench/ingest-bench.sh, more than the rest of its ingest.
 *
 * <p>One host is planned at most once per {@link #PACE}: a host that reports again sooner waits
 * (its latest report kept) until its pace has passed. Without it a fleet of hosts that report
 * continuously kept this thread busy on one of the machine's cores for offers nobody ranked (64
 * agents of the ingest benchmark: about 250 offers/s), and ingest ran at two thirds of its rate. A
 * mass import, one snapshot per host, is not slowed; a ranking that finds a host's latest report
 * still waiting plans it itself.
 */
final class StoredReports {

  /** Most hosts whose report waits. */
  static final int MAX_WAITING = 256;

  /** Least time between two plans of one host's reports. */
  static final Duration PACE = Duration.ofSeconds(2);

  /** A stored snapshot, with its report unless its host waits for its pace (then null). */
  record Waiting(long snapshotId, Report report) {}

  /** A host whose pace has not passed, and when it has (System.nanoTime). */
  private record Due(String host, long at) {}

  private final Map<String, Waiting> byHost = new ConcurrentHashMap<>();
  private final BlockingQueue<String> hosts = new LinkedBlockingQueue<>();
  private final BiConsumer<String, Waiting> planner;
  private final long paceNanos;
  // when each host was last planned (nanoTime): written by the planning thread, read by ingest
  private final Map<String, Long> plannedAt = new ConcurrentHashMap<>();
  private final PriorityQueue<Due> later = new PriorityQueue<>(Comparator.comparingLong(Due::at));
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

  /** Queues a stored snapshot's report; false when too many wait (then it is not kept). */
  boolean add(String host, long snapshotId, Report report) {
    if (byHost.size() >= MAX_WAITING && !byHost.containsKey(host)) {
      return false;
    }
    // a host planned within its pace waits without its report: holding the parsed reports of
    // every host that reports continuously kept them alive into the old generation, and the
    // collector's work cost ingest a fifth of its rate; it is read back when its pace has passed
    Long last = plannedAt.get(host);
    boolean paced = last != null && System.nanoTime() - last < paceNanos;
    Waiting w = new Waiting(snapshotId, paced ? null : report);
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
                  host = nextHost();
                } catch (InterruptedException e) {
                  return;
                }
                Waiting w = byHost.get(host);
                if (w == null) {
                  continue;
                }
                try {
                  plannedAt.put(host, System.nanoTime());
                  planner.accept(host, w);
                } catch (RuntimeException e) {
                  // the ranking plans it from the stored report; this thread goes on
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

  /** The next host to plan: one whose pace has passed, waiting for it when none has. */
  private String nextHost() throws InterruptedException {
    while (true) {
      long now = System.nanoTime();
      Due due = later.peek();
      if (due != null && due.at() - now <= 0) {
        later.poll();
        return due.host();
      }
      String host = due == null ? hosts.take() : hosts.poll(due.at() - now, TimeUnit.NANOSECONDS);
      if (host == null) {
        continue;
      }
      Long last = plannedAt.get(host);
      if (last != null && System.nanoTime() - last < paceNanos) {
        later.add(new Due(host, last + paceNanos));
        continue;
      }
      return host;
    }
  }

  synchronized void stop() {
    if (thread != null) {
      thread.interrupt();
    }
  }
}
