package dev.fabricscope.bandwidth;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agents' long polls waiting on this server, per host: a poll registers a future before it asks
 * the store, and every change that may give a host work (a job queued, a listener ready, a job of
 * the host ended) completes the host's futures, so the poll asks again at once. No thread waits: a
 * future is all a waiting poll holds.
 */
final class JobWaiters {

  private final Map<String, Set<CompletableFuture<Void>>> waiting = new ConcurrentHashMap<>();

  /** A future completed at the next {@link #wake} of {@code host}. */
  CompletableFuture<Void> register(String host) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    waiting.computeIfAbsent(host, h -> ConcurrentHashMap.newKeySet()).add(f);
    return f;
  }

  /** Forgets a future (its poll answered or gave up). */
  void remove(String host, CompletableFuture<Void> f) {
    waiting.computeIfPresent(
        host,
        (h, set) -> {
          set.remove(f);
          return set.isEmpty() ? null : set;
        });
  }

  /** Wakes every poll of the hosts. */
  void wake(String... hosts) {
    for (String host : hosts) {
      Set<CompletableFuture<Void>> set = waiting.remove(host);
      if (set != null) {
        for (CompletableFuture<Void> f : List.copyOf(set)) {
          f.complete(null);
        }
      }
    }
  }

  /** Wakes every waiting poll (notices from other replicas may have been lost). */
  void wakeAll() {
    wake(waiting.keySet().toArray(String[]::new));
  }

  /** Polls waiting now, for tests and metrics. */
  int size() {
    return waiting.values().stream().mapToInt(Set::size).sum();
  }
}
