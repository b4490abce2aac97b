package dev.fabricscope.plans;

import dev.fabricscope.events.HostEvents;
import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.plan.HostOffer;
import dev.fabricscope.topology.Report;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Every host's {@link HostOffer} for host selection, computed once per snapshot (snapshots never
 * change) and kept while the snapshot is a host's latest, so ranking a fleet re-plans only the
 * hosts that reported since the last ranking. A cold server would pay for every host in its first
 * ranking (bench/select-bench.sh: 12.6 s for 10,000 hosts, parsing their reports), so an offer is
 * computed ahead: by the replica that stores a snapshot, from the report it parsed to store it; on
 * the other replicas in the background when the snapshot event arrives (reading the stored report);
 * every host's once the server has started; and what is still missing at a ranking on every core.
 */
@ApplicationScoped
public class HostOffers {

  private static final Logger LOG = Logger.getLogger(HostOffers.class);

  @Inject InventoryStore inventory;
  @Inject HostEvents events;
  @Inject OfferArchive archive;

  /** Longest a ranking waits for the start's read-back of stored offers, seconds. */
  static final long READ_BACK_WAIT_S = 10;

  private final CountDownLatch readBack = new CountDownLatch(1);
  private final StoredReports stored = new StoredReports(this::planStored);

  /** A host's offer and the snapshot it was planned from. */
  private record Planned(long snapshotId, HostOffer offer) {}

  /** The latest planned offer per host: at most one per host, however often hosts report. */
  private final Map<String, Planned> byHost = new ConcurrentHashMap<>();

  // snapshot events handled, and those among them that read the stored report again
  private final AtomicLong eventsHandled = new AtomicLong();
  private final AtomicLong eventReads = new AtomicLong();

  /** Plans every host once in the background, and each new snapshot as it is stored. */
  void onStart(@Observes StartupEvent e) {
    Thread warm =
        new Thread(
            () -> {
              try {
                warmUp();
              } catch (Throwable ex) {
                // the next ranking computes what is missing; a failure here only loses the head
                // start, and never the server's
                LOG.warnf("host selection: offers not computed ahead: %s", ex);
              }
            },
            "host-offers-ahead");
    warm.setDaemon(true);
    warm.setPriority(Thread.MIN_PRIORITY);
    warm.start();
    events
        .snapshots()
        // a mass import publishes faster than a busy worker pool takes events: without a drop the
        // processor failed this subscriber for good (BackPressureFailure). A dropped snapshot is
        // planned by the next ranking, and this replica's own were planned at ingest.
        .onOverflow()
        .drop()
        .emitOn(Infrastructure.getDefaultWorkerPool())
        .subscribe()
        .with(
            s -> {
              try {
                plan(s.host(), s.snapshotId());
              } catch (Throwable ex) {
                LOG.debugf("host selection: offer of %s not computed ahead: %s", s.host(), ex);
              } finally {
                eventsHandled.incrementAndGet();
              }
            },
            ex -> LOG.warnf("host selection: no longer computing offers ahead: %s", ex));
  }

  /** What a warm-up did: offers read back from the database, hosts planned from their reports. */
  record Warmed(int readBack, Set<String> planned) {}

  /**
   * The start's warm-up: this build's stored offers read back in one query (small JSON documents,
   * where planning from the reports reads and parses every report, about 1 ms each), then the hosts
   * without one planned from their reports and kept for the next start, then other builds' and
   * older snapshots' offers dropped.
   */
  Warmed warmUp() {
    long started = System.nanoTime();
    int read = 0;
    try {
      for (OfferArchive.Read r : archive.readBack()) {
        keep(r.offer().host(), r.snapshotId(), r.offer());
        read++;
      }
    } finally {
      readBack.countDown();
    }
    long readMs = (System.nanoTime() - started) / 1_000_000;
    Set<String> planned = planMissing(inventory.latestSnapshotIds());
    int pruned = archive.prune();
    LOG.infof(
        "host selection: %d offers read back in %d ms, %d planned from their reports, %d stored"
            + " offers of other builds or older snapshots dropped; %d ms in all",
        read, readMs, planned.size(), pruned, (System.nanoTime() - started) / 1_000_000);
    return new Warmed(read, planned);
  }

  /** The offers of every host with a snapshot, by host name order. */
  public List<HostOffer> all() {
    try {
      // the read-back is one query; planning those hosts from their reports instead takes long
      readBack.await(READ_BACK_WAIT_S, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Map<String, Long> latest = inventory.latestSnapshotIds();
    byHost.keySet().retainAll(latest.keySet());
    planMissing(latest);
    List<HostOffer> out = new ArrayList<>(latest.size());
    for (var e : latest.entrySet()) {
      Planned p = byHost.get(e.getKey());
      if (p != null && p.snapshotId() == e.getValue()) {
        out.add(p.offer());
      }
    }
    return out;
  }

  /** Plans the hosts that reported since they were last planned, on every core; those hosts. */
  private Set<String> planMissing(Map<String, Long> latest) {
    Set<String> planned = ConcurrentHashMap.newKeySet();
    latest.entrySet().stream()
        .filter(e -> !current(e.getKey(), e.getValue()))
        .toList()
        .parallelStream()
        .forEach(
            e -> {
              // a report stored here and still waiting to be planned need not be read back
              Report waiting = stored.report(e.getKey(), e.getValue());
              HostOffer o = planOne(e.getKey(), e.getValue(), waiting);
              if (o != null) {
                keep(e.getKey(), e.getValue(), o);
                archive.keep(e.getValue(), o);
                planned.add(e.getKey());
              }
            });
    return planned;
  }

  @PreDestroy
  void stop() {
    stored.stop();
  }

  /** Forgets every offer, as a restart does (tests). */
  void forget() {
    byHost.clear();
  }

  private boolean current(String host, long snapshotId) {
    Planned p = byHost.get(host);
    return p != null && p.snapshotId() == snapshotId;
  }

  /**
   * Queues the snapshot that this replica has just stored, with the report it parsed to store it,
   * to be planned in the background ({@link StoredReports}), so the snapshot event finds it planned
   * or waiting: the event path would read and parse the stored report again (about 1 ms and more),
   * and during a mass import that backlog is what a ranking waited for. Called before the snapshot
   * event is published.
   */
  public void stored(String host, long snapshotId, Report report) {
    stored.add(host, snapshotId, report);
  }

  private void planStored(String host, StoredReports.Waiting w) {
    HostOffer o = planOne(host, w.snapshotId(), w.report());
    if (o == null) {
      return; // not planned for want of memory: the ranking tries again
    }
    archive.keep(w.snapshotId(), o); // first: once the offer shows, its write is under way
    keep(host, w.snapshotId(), o);
  }

  /** Plans a host's new snapshot (ahead of a ranking) unless a newer one of it is planned. */
  private void plan(String host, long snapshotId) {
    if (current(host, snapshotId) || stored.waiting(host, snapshotId) || stored.paced(host)) {
      return; // planned, about to be, or within its pace: the ranking plans it
    }
    stored.planned(host);
    eventReads.incrementAndGet();
    keep(host, snapshotId, planOne(host, snapshotId, null));
  }

  /**
   * Plans one snapshot of a host, from its {@code waiting} report when given, else from the stored
   * one; null when it cannot be planned now. The one guard per host, on every path that plans one:
   * a report the planner fails on offers nothing, with the reason ({@link SnapshotOffer}); anything
   * else (the database, an OutOfMemoryError reading or planning a huge report, perhaps another
   * host's doing) is logged and leaves the host to the next ranking. The start's warm-up, a ranking
   * and the planning threads go on with the other hosts.
   */
  private HostOffer planOne(String host, long snapshotId, Report waiting) {
    try {
      return waiting != null
          ? SnapshotOffer.of(host, snapshotId, waiting)
          : compute(host, snapshotId);
    } catch (Throwable e) {
      LOG.errorf(e, "host selection: snapshot %d of %s not planned", snapshotId, host);
      return null;
    }
  }

  /** Snapshot events handled so far (tests). */
  long eventsHandled() {
    return eventsHandled.get();
  }

  /** Snapshot events so far that read the stored report again (tests). */
  long eventReads() {
    return eventReads.get();
  }

  /** The offer kept for {@code host}, null when none (tests). */
  HostOffer kept(String host) {
    Planned p = byHost.get(host);
    return p == null ? null : p.offer();
  }

  /** The snapshot of {@code host} whose offer is kept; -1 when none. */
  long plannedSnapshot(String host) {
    Planned p = byHost.get(host);
    return p == null ? -1 : p.snapshotId();
  }

  /** Keeps {@code o} as the host's offer unless a newer snapshot of the host is planned. */
  private void keep(String host, long snapshotId, HostOffer o) {
    if (o != null) {
      byHost.merge(
          host,
          new Planned(snapshotId, o),
          (old, now) -> old.snapshotId() > now.snapshotId() ? old : now);
    }
  }

  private HostOffer compute(String host, long snapshotId) {
    String json = inventory.snapshotJson(snapshotId).orElse(null);
    // null: replaced between the two reads; the next ranking sees the new one
    return json == null ? null : SnapshotOffer.ofJson(host, snapshotId, json);
  }
}
