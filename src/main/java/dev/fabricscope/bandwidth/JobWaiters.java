package dev.fabricscope.bandwidth;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * The agents' long polls waiting on this server, per host: a poll registers a future before it asks
 * the store, and every change that may give a host work (a job queued, a listener ready, a job of
 * the host ended) completes the host's futures, so the poll asks again at once. No thread waits: a
 * future is all a waiting poll holds.
 *
 * <p>A poll also holds one of its host's places ({@link #take}) from its token's first check to its
 * end: a review held 4,000 polls open with one agent token, each asking the database every few
 * seconds, so a host gets at most {@code fabricscope.bandwidth.max-polls-per-host} of them.
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

  /** A waiting poll's place, given back once, however the poll ends. */
  interface Place {
    void release();
  }

  private final Map<String, Set<Held>> places = new ConcurrentHashMap<>();

  private final class Held implements Place {
    private final String host;
    private final BooleanSupplier gone;
    private final AtomicBoolean released = new AtomicBoolean();

    Held(String host, BooleanSupplier gone) {
      this.host = host;
      this.gone = gone;
    }

    @Override
    public void release() {
      if (released.compareAndSet(false, true)) {
        places.computeIfPresent(
            host,
            (h, set) -> {
              set.remove(this);
              return set.isEmpty() ? null : set;
            });
      }
    }
  }

  /**
   * A place for a poll of {@code host}, or null when {@code max} polls hold one. When full, the
   * places of polls whose client went away ({@code gone}) are freed first: such a poll notices only
   * at its next wake-up, seconds later, and an agent that reconnects must not wait for that.
   */
  Place take(String host, int max, BooleanSupplier gone) {
    Held p = new Held(host, gone);
    boolean[] taken = {false};
    places.compute(
        host,
        (h, set) -> {
          Set<Held> s = set == null ? ConcurrentHashMap.newKeySet() : set;
          if (s.size() >= max) {
            // marked released here, inside compute: their own release must not touch the map
            s.removeIf(x -> x.gone.getAsBoolean() && x.released.compareAndSet(false, true));
          }
          if (s.size() < max) {
            s.add(p);
            taken[0] = true;
          }
          return s.isEmpty() ? null : s;
        });
    return taken[0] ? p : null;
  }

  /** Places held by the polls of {@code host} now. */
  int places(String host) {
    Set<Held> s = places.get(host);
    return s == null ? 0 : s.size();
  }

  /** Polls waiting now, for tests and metrics. */
  int size() {
    return waiting.values().stream().mapToInt(Set::size).sum();
  }
}
