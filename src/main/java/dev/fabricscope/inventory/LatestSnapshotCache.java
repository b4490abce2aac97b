package dev.fabricscope.inventory;

import dev.fabricscope.concurrent.Futures;
import dev.fabricscope.inventory.InventoryStore.Host;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.topology.Report;
import java.io.IOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * Something derived from each host's latest snapshot (its findings, its RDMA ports), kept by
 * snapshot id. Snapshots never change, so a pass over the fleet parses only the hosts with a new
 * snapshot, one report at a time, and holds the derived values instead of the fleet's reports (a
 * review held 150 reports of 1.6 MB per request, and 12 parallel views ran a 1.4 GB heap out).
 *
 * @param <T> what is kept per host
 */
public final class LatestSnapshotCache<T> {

  /** Hosts read from the inventory per query. */
  public static final int PAGE = 1000;

  /** A snapshot's value, or its derivation still running in the caller that started it. */
  private record Kept<T>(long snapshotId, CompletableFuture<T> value) {}

  private final BiFunction<String, Report, T> derive;
  private final Map<String, Kept<T>> byHost = new ConcurrentHashMap<>();

  /**
   * @param derive the value of a host (its name) from its latest report
   */
  public LatestSnapshotCache(BiFunction<String, Report, T> derive) {
    this.derive = derive;
  }

  /**
   * Calls {@code each} for every host matching the filters (each null = any), reading {@link #PAGE}
   * hosts per query, and returns their names. Pages are read by offset, so a host added meanwhile
   * shifts the next page and one may come twice: it is passed on once.
   */
  public static Set<String> eachHost(
      InventoryStore store, String name, String label, Boolean hasGpu, Consumer<Host> each) {
    Set<String> names = new HashSet<>();
    int offset = 0;
    while (true) {
      var page = store.hosts(new InventoryStore.HostQuery(name, label, hasGpu, offset, PAGE));
      for (Host h : page.items()) {
        if (names.add(h.name())) {
          each.accept(h);
        }
      }
      offset += page.items().size();
      if (page.items().isEmpty() || offset >= page.total()) {
        return names;
      }
    }
  }

  /**
   * Every host's value, in name order ({@code null} for a host without a snapshot); hosts no longer
   * in the inventory are forgotten.
   */
  public void forEach(InventoryStore store, BiConsumer<Host, T> each) {
    retain(eachHost(store, null, null, null, h -> each.accept(h, of(store, h))));
  }

  /** Forgets every host but these (the inventory's, read whole). */
  public void retain(Set<String> hosts) {
    byHost.keySet().retainAll(hosts);
  }

  /**
   * The value of a host's latest snapshot, derived once per snapshot; {@code null} when the host
   * has none. Callers asking for a snapshot whose value is being derived wait for that derivation
   * instead of starting their own: page views that arrived together each parsed and judged the same
   * large report (fifth security review). A snapshot replaced and pruned since the host row was
   * read gives the last value kept (or {@code null}): the next pass has the new one. A failed
   * derivation fails its waiters too, and the next call tries again.
   */
  public T of(InventoryStore store, Host h) {
    return of(store, h.name(), h.latestSnapshotId());
  }

  /** {@link #of(InventoryStore, Host)} of a host's name and latest snapshot id (null: none). */
  public T of(InventoryStore store, String host, Long latestSnapshotId) {
    if (latestSnapshotId == null) {
      return null;
    }
    Kept<T> mine = new Kept<>(latestSnapshotId, new CompletableFuture<>());
    while (true) {
      Kept<T> before = byHost.get(host);
      if (before != null
          && before.snapshotId() == latestSnapshotId
          && !before.value().isCompletedExceptionally()) {
        return Futures.join(before.value());
      }
      // replace exactly what was read: of two callers only one derives, the other waits for it
      boolean won =
          before == null
              ? byHost.putIfAbsent(host, mine) == null
              : byHost.replace(host, before, mine);
      if (won) {
        return compute(store, host, mine, before);
      }
    }
  }

  private T compute(InventoryStore store, String host, Kept<T> mine, Kept<T> before) {
    T value;
    try {
      value = read(store, host, mine, before);
    } catch (Throwable t) {
      // the waiters fail as this caller does; the next call tries again
      byHost.remove(host, mine);
      mine.value().completeExceptionally(t);
      throw t;
    }
    mine.value().complete(value);
    return value;
  }

  private T read(InventoryStore store, String host, Kept<T> mine, Kept<T> before) {
    String json = store.snapshotJson(mine.snapshotId()).orElse(null);
    if (json == null) {
      // pruned since the host row was read: what was kept stays, and answers
      if (before == null) {
        byHost.remove(host, mine);
        return null;
      }
      byHost.replace(host, mine, before);
      return Futures.join(before.value());
    }
    try {
      return derive.apply(host, ReportJson.read(json));
    } catch (IOException e) {
      throw new IllegalStateException("stored report of " + host + " does not read back", e);
    }
  }
}
