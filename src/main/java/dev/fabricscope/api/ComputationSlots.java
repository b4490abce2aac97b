package dev.fabricscope.api;

import dev.fabricscope.security.ApiException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The slots that computations on whole reports run in ({@link P2pMatrices#inSlot}), shared fairly
 * among callers. Before, they were one fair semaphore: one viewer token with 40 connections asking
 * {@code /paths} of a 20,000-function host, or {@code /diff}s of its snapshots, kept every slot
 * taken and queued, and 11 of 18 computations of other callers waited past the wait and got 503
 * (eighteenth security review). Now:
 *
 * <ul>
 *   <li>a caller has at most {@code perCaller} requests holding or waiting for a slot; one more is
 *       a 429 at once, costing nothing;
 *   <li>a freed slot goes to the waiter whose caller holds the fewest slots, then to the caller
 *       served longest ago (a caller never served first), then to the earliest: a newcomer waits at
 *       most until one computation running ends, however many callers queue meanwhile;
 *   <li>a slot no one else waits for is taken by whoever asks, so a single user still gets every
 *       slot (a page asks for its graph and matrix at once).
 * </ul>
 *
 * A request that no slot comes to within its wait is a 503 with {@code Retry-After}, unless it is
 * first in line then: the next slot is its anyway, and a 503 would send it to the back; it waits on
 * up to {@code headWaitMillis}. Computations on the largest reports take seconds (a diff of two 16
 * MB snapshots 3.3 s), longer than the wait: without this, a caller whose first request came while
 * another's two long ones ran got a 503 although it was next (the review's re-test: 21 of 36
 * probes), and so did a single user's second request on such a host. One request at a time is first
 * in line, so this holds at most one more worker thread.
 */
final class ComputationSlots {

  /** How many callers' last service is remembered (the order among waiters; least recent out). */
  static final int REMEMBERED_CALLERS = 4096;

  private final int slots;
  private final int perCaller;
  private final long headWaitMillis;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Map<String, Integer> claims = new HashMap<>();
  private final Map<String, Integer> holds = new HashMap<>();
  private final List<Waiter> waiting = new ArrayList<>();

  /** Per caller, the number of its last grant; insertion order is service order. */
  private final Map<String, Long> lastServed =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
          return size() > REMEMBERED_CALLERS;
        }
      };

  private long arrivals;
  private long grants;
  private int free;

  /** Slots that callers' computations hold: each ends and frees its slot. */
  private int computing;

  private record Waiter(String key, long arrival) {}

  ComputationSlots(int slots, int perCaller, long headWaitMillis) {
    if (slots < 1 || perCaller < 1 || headWaitMillis < 0) {
      throw new IllegalArgumentException("slots " + slots + ", per caller " + perCaller);
    }
    this.slots = slots;
    this.perCaller = perCaller;
    this.headWaitMillis = headWaitMillis;
    this.free = slots;
  }

  /**
   * Takes a slot for the caller {@code key}, waiting at most {@code waitMillis}; give it back with
   * {@link #release} once.
   *
   * @throws ApiException 429 when the caller already has {@code perCaller} requests holding or
   *     waiting; 503 when no slot came to it in time
   */
  void take(String key, long waitMillis) {
    long start = System.nanoTime();
    long deadline = start + TimeUnit.MILLISECONDS.toNanos(waitMillis);
    long headDeadline = start + TimeUnit.MILLISECONDS.toNanos(Math.max(waitMillis, headWaitMillis));
    lock.lock();
    try {
      int before = claims.getOrDefault(key, 0);
      if (before >= perCaller) {
        throw new Refused(
            429,
            "Too many requests",
            "this caller already has "
                + perCaller
                + " computations running or waiting; wait for their answers");
      }
      claims.put(key, before + 1);
      Waiter me = new Waiter(key, arrivals++);
      waiting.add(me);
      boolean granted = false;
      try {
        while (free == 0 || next() != me) {
          long now = System.nanoTime();
          // first in line waits on only for a slot a computation holds: that one ends
          boolean head = next() == me && computing > 0;
          long left = (head ? headDeadline : deadline) - now;
          if (left <= 0) {
            throw busy();
          }
          changed.awaitNanos(left);
        }
        granted = true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw busy();
      } finally {
        waiting.remove(me);
        if (granted) {
          free--;
          computing++;
          holds.merge(key, 1, Integer::sum);
          lastServed.remove(key); // to the end: the eldest is the one served longest ago
          lastServed.put(key, ++grants);
        } else {
          decrement(claims, key);
        }
        // the next in line may take another free slot, or was behind this one
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Gives back a slot {@link #take} gave the caller {@code key}. */
  void release(String key) {
    lock.lock();
    try {
      free++;
      computing--;
      decrement(holds, key);
      decrement(claims, key);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Slots free now. */
  int free() {
    lock.lock();
    try {
      return free;
    } finally {
      lock.unlock();
    }
  }

  /** Requests waiting for a slot now. */
  int waiting() {
    lock.lock();
    try {
      return waiting.size();
    } finally {
      lock.unlock();
    }
  }

  /** Slots in all. */
  int size() {
    return slots;
  }

  /**
   * Takes every free slot at once, past any per-caller limit and for no computation (so no one
   * waits past the wait for them): for tests that fill the slots.
   */
  int holdAll() {
    lock.lock();
    try {
      int n = free;
      free = 0;
      return n;
    } finally {
      lock.unlock();
    }
  }

  /** Gives back {@code n} slots {@link #holdAll} took. */
  void giveBack(int n) {
    lock.lock();
    try {
      free += n;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The waiter a free slot goes to: fewest held, then served longest ago, then earliest. */
  private Waiter next() {
    Waiter best = null;
    for (Waiter w : waiting) {
      if (best == null || before(w, best)) {
        best = w;
      }
    }
    return best;
  }

  private boolean before(Waiter a, Waiter b) {
    int ha = holds.getOrDefault(a.key(), 0);
    int hb = holds.getOrDefault(b.key(), 0);
    if (ha != hb) {
      return ha < hb;
    }
    long sa = served(a.key());
    long sb = served(b.key());
    if (sa != sb) {
      return sa < sb;
    }
    return a.arrival() < b.arrival();
  }

  private long served(String key) {
    return lastServed.getOrDefault(key, 0L);
  }

  private static void decrement(Map<String, Integer> counts, String key) {
    counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
  }

  static ApiException busy() {
    return new Refused(
        503,
        "Service unavailable",
        "too many matrices, graphs, plans or exports are being computed; retry shortly");
  }

  /**
   * A caller refused a slot (429: its share is taken; 503: none came in time), before any
   * computation: the caller's own, which others waiting for the same answer do not share ({@link
   * dev.fabricscope.concurrent.SharedLru}).
   */
  static final class Refused extends ApiException {
    Refused(int status, String title, String detail) {
      super(status, title, detail, 5);
    }
  }

  /** Whether {@code e} is a slot refusal ({@link Refused}): for shared computations' waiters. */
  static boolean refused(RuntimeException e) {
    return e instanceof Refused;
  }
}
