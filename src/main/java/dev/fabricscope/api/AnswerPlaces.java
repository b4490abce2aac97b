package dev.fabricscope.api;

import dev.fabricscope.security.ApiException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The places whole answers are written in ({@link WholeReports}): {@code atOnce} in all, at most
 * {@code perCaller} for one caller (one more is a 429 at once), and the last {@code reserved} free
 * ones only for callers that hold fewer than {@code busyShare}. Without that reserve, four callers
 * at six places each held all 24 (seventeenth security review: four viewer tokens reading just
 * above the pace turned every other caller's large reads away for minutes); now callers that
 * already hold several fill at most {@code atOnce - reserved}, and the rest stay for the others, a
 * page's worth each. A request that finds no place it may take waits for one up to the wait given,
 * then is a 503.
 */
final class AnswerPlaces {

  private final int atOnce;
  private final int perCaller;
  private final int reserved;
  private final int busyShare;

  private final ReentrantLock lock = new ReentrantLock(true);
  private final Condition freed = lock.newCondition();

  /** Per caller: places held and requests waiting for one (the {@code perCaller} limit). */
  private final Map<String, Integer> claims = new HashMap<>();

  /**
   * Per caller: places held only (the reserve's test). A caller's requests that wait are not yet
   * holding: a page that asks for three answers at once while places are scarce is not "busy" until
   * two of them are being written (last session's open point).
   */
  private final Map<String, Integer> holds = new HashMap<>();

  private int free;

  AnswerPlaces(int atOnce, int perCaller, int reserved, int busyShare) {
    if (atOnce < 1 || perCaller < 1 || reserved < 0 || reserved >= atOnce || busyShare < 1) {
      throw new IllegalArgumentException(
          "places " + atOnce + ", " + perCaller + ", " + reserved + ", " + busyShare);
    }
    this.atOnce = atOnce;
    this.perCaller = perCaller;
    this.reserved = reserved;
    this.busyShare = busyShare;
    this.free = atOnce;
  }

  /**
   * Takes a place for the caller {@code key}, waiting at most {@code waitMillis}; give it back with
   * {@link #release} once.
   *
   * @throws ApiException 429 when the caller holds (or waits for) {@code perCaller} already; 503
   *     with Retry-After when no place it may take came free in time
   */
  void take(String key, long waitMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
    lock.lock();
    try {
      int before = claims.getOrDefault(key, 0);
      if (before >= perCaller) {
        throw new ApiException(
            429,
            "Too many requests",
            "this caller already has "
                + perCaller
                + " whole reports on their way; read them before asking for more",
            5);
      }
      // claimed at once, so that the caller's parallel requests count while they wait
      claims.put(key, before + 1);
      while (!mayTake(holds.getOrDefault(key, 0))) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          unclaim(key);
          throw new ApiException(
              503,
              "Service Unavailable",
              atOnce + " whole reports are being written to clients; try again shortly",
              5);
        }
        try {
          freed.awaitNanos(left);
        } catch (InterruptedException e) {
          unclaim(key);
          Thread.currentThread().interrupt();
          throw new ApiException(503, "Service Unavailable", "interrupted", 5);
        }
      }
      free--;
      holds.merge(key, 1, Integer::sum);
    } finally {
      lock.unlock();
    }
  }

  /** Whether a caller that holds {@code held} places now may take one more. */
  private boolean mayTake(int held) {
    return free > 0 && (held < busyShare || free > reserved);
  }

  /** Gives back a place {@link #take} gave the caller {@code key}. */
  void release(String key) {
    lock.lock();
    try {
      free++;
      unclaim(key);
      holds.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
      freed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void unclaim(String key) {
    claims.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
  }

  /** Places free now. */
  int free() {
    lock.lock();
    try {
      return free;
    } finally {
      lock.unlock();
    }
  }

  /** Places taken now, by everyone. */
  int inUse() {
    lock.lock();
    try {
      return atOnce - free;
    } finally {
      lock.unlock();
    }
  }
}
