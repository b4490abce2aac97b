package dev.fabricscope.ingest;

import dev.fabricscope.cluster.ClusterNotice;
import dev.fabricscope.config.FabricscopeConfig;
import dev.fabricscope.inventory.InventoryStore;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What this server last stored per host (content hash, snapshot id, labels), so an unchanged report
 * or heartbeat is answered from memory, on the HTTP event loop, without a database round trip. Its
 * only write, the host's last-seen time, is kept here and flushed in one batch every {@code
 * fabricscope.ingest.last-seen-flush} (default 1 s) and at shutdown.
 *
 * <p>What that trades: after a crash, last-seen may be up to one flush interval older than the last
 * acknowledged unchanged report; snapshots themselves are never deferred (they are committed before
 * the 2xx). A flush is conditional on the host's latest hash in the database, so when another
 * server process sharing a PostgreSQL database stored a newer snapshot, the write is skipped and
 * the entry forgotten: the next report of that host takes the full path.
 *
 * <p>With several replicas, another replica's snapshot of a host also makes this one forget the
 * host as soon as its notice arrives ({@link ClusterNotice.SnapshotStored}, milliseconds after the
 * commit); until then, which is shorter than any agent's report interval, a report of the host's
 * previous content could still be answered "unchanged" here. Its last-seen write is then skipped
 * (conditional on the latest hash) and the next report stores it.
 */
@ApplicationScoped
public class KnownHosts {

  /** A host's latest stored content, as this server stored or confirmed it. */
  public record Known(String hash, long snapshotId, Map<String, String> labels) {}

  private final Map<String, Known> known = new ConcurrentHashMap<>();
  private final Map<String, InventoryStore.Touch> pending = new ConcurrentHashMap<>();

  @Inject InventoryStore store;

  @Inject FabricscopeConfig config;

  private ScheduledExecutorService flusher;

  void onStart(@Observes StartupEvent e) {
    flusher =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "fabricscope-last-seen");
              t.setDaemon(true);
              return t;
            });
    long ms = Math.max(10, config.ingest().lastSeenFlush().toMillis());
    flusher.scheduleWithFixedDelay(this::flushQuietly, ms, ms, TimeUnit.MILLISECONDS);
  }

  void onStop(@Observes ShutdownEvent e) {
    if (flusher != null) {
      flusher.shutdown();
      try {
        flusher.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
    }
    flushQuietly();
  }

  /**
   * Records that {@code host}'s latest snapshot is {@code snapshotId} with {@code hash}. Snapshot
   * ids grow in commit order per host (ingest holds the host row lock from insert to commit), so
   * when two ingests of one host finish out of order, the older answer does not overwrite the
   * newer.
   */
  public void remember(String host, String hash, long snapshotId, Map<String, String> labels) {
    Known fresh = new Known(hash, snapshotId, Map.copyOf(labels));
    known.merge(host, fresh, (old, now) -> now.snapshotId() >= old.snapshotId() ? now : old);
  }

  /**
   * Another replica stored a newer snapshot of the host: forget what this one remembers of it
   * (unless it already knows that snapshot or a newer one), so the host's next report here takes
   * the full path instead of being answered "unchanged" against content that is no longer the
   * latest.
   */
  void onRemote(@Observes ClusterNotice.SnapshotStored n) {
    known.computeIfPresent(n.host(), (h, k) -> k.snapshotId() < n.snapshotId() ? null : k);
  }

  /** Notices may have been lost: nothing remembered can be trusted to be the latest. */
  void onRemote(@Observes ClusterNotice.Resync n) {
    known.clear();
  }

  /** What this server knows of a host, or null. */
  public Known get(String host) {
    return known.get(host);
  }

  /**
   * When {@code hash} is the host's latest content (and the labels, if any, are the stored ones),
   * records that the host was seen and returns its snapshot id; else returns -1 and records
   * nothing. Never blocks.
   */
  public long seenIfUnchanged(String host, String hash, Map<String, String> labels, Instant at) {
    Known k = known.get(host);
    if (k == null || !k.hash().equals(hash) || !(labels.isEmpty() || labels.equals(k.labels()))) {
      return -1;
    }
    pending.merge(
        host,
        new InventoryStore.Touch(host, hash, at),
        (a, b) -> b.seen().isAfter(a.seen()) ? b : a);
    return k.snapshotId();
  }

  /**
   * {@link #seenIfUnchanged}, and when memory does not know the host yet (after a restart) the
   * database's word: its last-seen moves now if {@code hash} is its latest content, and the host is
   * remembered from then on. Returns the snapshot id, or -1. Blocking: not for the event loop.
   */
  public long seenOrConfirmed(String host, String hash, Map<String, String> labels, Instant at) {
    long id = seenIfUnchanged(host, hash, labels, at);
    if (id >= 0 || !labels.isEmpty() || !store.touch(host, hash, at)) {
      return id;
    }
    id = store.host(host).map(h -> h.latestSnapshotId()).orElse(-1L);
    if (id >= 0) {
      remember(host, hash, id, Map.of());
    }
    return id;
  }

  /**
   * Forgets {@code host} (deleted): its next report takes the full path and makes it again. Other
   * server processes forget it at their next last-seen write, which finds no row to update.
   */
  public void forget(String host) {
    known.remove(host);
    pending.remove(host);
  }

  /** Writes the pending last-seen times; returns how many hosts were written. */
  public int flush() {
    if (pending.isEmpty()) {
      return 0;
    }
    List<InventoryStore.Touch> batch = new ArrayList<>(pending.size());
    for (String host : List.copyOf(pending.keySet())) {
      InventoryStore.Touch t = pending.remove(host);
      if (t != null) {
        batch.add(t);
      }
    }
    Set<String> stale;
    try {
      stale = store.touchAll(batch);
    } catch (RuntimeException e) {
      // put them back: the next flush tries again (a newer time for the same host wins)
      for (InventoryStore.Touch t : batch) {
        pending.merge(t.host(), t, (a, b) -> a.seen().isAfter(b.seen()) ? a : b);
      }
      throw e;
    }
    for (InventoryStore.Touch t : batch) {
      if (stale.contains(t.host())) {
        // another process changed this host: forget it unless a newer ingest here replaced it
        known.computeIfPresent(t.host(), (h, k) -> k.hash().equals(t.hash()) ? null : k);
      }
    }
    return batch.size();
  }

  private void flushQuietly() {
    try {
      flush();
    } catch (RuntimeException e) {
      // kept pending; the database may be briefly unavailable
      Log.warnf("could not write last-seen times: %s", e.getMessage());
    }
  }
}
