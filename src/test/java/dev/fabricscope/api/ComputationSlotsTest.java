package dev.fabricscope.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.security.ApiException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The computation slots shared among callers: a cap per caller, a freed slot to the caller holding
 * fewest and served longest ago, every slot to a caller alone (eighteenth security review).
 */
class ComputationSlotsTest {

  /** A request in its own thread: completes with 200 when granted, else the refusal's status. */
  private static CompletableFuture<Integer> ask(ComputationSlots slots, String key, long wait) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            slots.take(key, wait);
            return 200;
          } catch (ApiException e) {
            return e.status();
          }
        },
        runnable -> new Thread(runnable, "ask-" + key).start());
  }

  private static void untilWaiting(ComputationSlots slots, int n) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (slots.waiting() != n && System.nanoTime() < until) {
      Thread.sleep(2);
    }
    assertEquals(n, slots.waiting(), "waiting");
  }

  @Test
  void aCallerAloneGetsEverySlot() {
    ComputationSlots slots = new ComputationSlots(2, 2, 10_000);
    slots.take("a", 0);
    slots.take("a", 0);
    assertEquals(0, slots.free());
  }

  @Test
  void aCallerPastItsShareIsA429AtOnce() throws Exception {
    ComputationSlots slots = new ComputationSlots(1, 2, 10_000);
    slots.take("a", 0);
    CompletableFuture<Integer> second = ask(slots, "a", 5_000);
    untilWaiting(slots, 1);
    long t0 = System.nanoTime();
    ApiException e = assertThrows(ApiException.class, () -> slots.take("a", 5_000));
    assertEquals(429, e.status());
    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1), "refused without waiting");
    slots.release("a");
    assertEquals(200, second.get(5, TimeUnit.SECONDS));
  }

  /**
   * Four callers keep both slots taken and queue behind them; a fifth, arriving last, gets the next
   * slot that frees: it holds none and was never served.
   */
  @Test
  void aNewcomerGoesBeforeCallersAlreadyServed() throws Exception {
    ComputationSlots slots = new ComputationSlots(2, 2, 10_000);
    slots.take("t1", 0);
    slots.take("t2", 0);
    List<CompletableFuture<Integer>> queued = new ArrayList<>();
    for (String k : List.of("t3", "t4", "t1", "t2")) {
      queued.add(ask(slots, k, 10_000));
      untilWaiting(slots, queued.size());
    }
    slots.release("t1"); // t3 and t4 hold none, were never served, and came first: t3
    assertEquals(200, queued.get(0).get(5, TimeUnit.SECONDS));
    CompletableFuture<Integer> newcomer = ask(slots, "n", 10_000);
    untilWaiting(slots, 4);
    slots.release("t2"); // t4 (never served) came before n (never served)
    assertEquals(200, queued.get(1).get(5, TimeUnit.SECONDS));
    slots.release("t3"); // holding none: t1 (served), t2 (served), n (never): n
    assertEquals(200, newcomer.get(5, TimeUnit.SECONDS));
    assertFalse(queued.get(2).isDone() || queued.get(3).isDone());
    slots.release("t4");
    slots.release("n");
    for (CompletableFuture<Integer> f : queued) {
      assertEquals(200, f.get(5, TimeUnit.SECONDS));
    }
  }

  @Test
  void noSlotInTimeIsA503AndLeavesNothingBehind() {
    ComputationSlots slots = new ComputationSlots(1, 2, 10_000);
    slots.holdAll(); // taken for no computation: no one waits past the wait for it
    ApiException e = assertThrows(ApiException.class, () -> slots.take("b", 50));
    assertEquals(503, e.status());
    assertEquals(0, slots.waiting());
    slots.giveBack(1);
    slots.take("b", 0); // its claim was given back: the 503 does not count against it
    assertEquals(0, slots.free());
  }

  /**
   * First in line keeps its place past the wait while a computation holds the slot; the one behind
   * it does not (the review's re-test: long diffs outlasted the wait, and the next caller got 503).
   */
  @Test
  void theFirstInLineWaitsForTheNextSlotPastTheWait() throws Exception {
    ComputationSlots slots = new ComputationSlots(1, 2, 10_000);
    slots.take("a", 0);
    CompletableFuture<Integer> first = ask(slots, "b", 100);
    untilWaiting(slots, 1);
    CompletableFuture<Integer> second = ask(slots, "c", 100);
    assertEquals(503, second.get(5, TimeUnit.SECONDS)); // not first: the wait, then 503
    Thread.sleep(300); // past b's wait too
    assertFalse(first.isDone(), "first in line still waits");
    slots.release("a");
    assertEquals(200, first.get(5, TimeUnit.SECONDS));
  }

  /**
   * Random arrivals and releases of random callers, each step let settle, against a model of the
   * rules: who is granted at once, who is refused, and which waiter each freed slot goes to.
   */
  @Test
  void generatedSchedulesFollowTheModel() throws Exception {
    Random random = new Random(18);
    for (int round = 0; round < 25; round++) {
      int size = 1 + random.nextInt(3);
      int perCaller = 1 + random.nextInt(3);
      ComputationSlots slots = new ComputationSlots(size, perCaller, 60_000);
      Model model = new Model(size, perCaller);
      List<String> holders = new ArrayList<>();
      Map<Long, CompletableFuture<Integer>> waiters = new HashMap<>();
      for (int step = 0; step < 40; step++) {
        String what = "round " + round + " step " + step;
        if (!holders.isEmpty() && random.nextInt(3) == 0) {
          String key = holders.remove(random.nextInt(holders.size()));
          slots.release(key);
          Long granted = model.release(key);
          if (granted != null) {
            assertEquals(200, waiters.remove(granted).get(5, TimeUnit.SECONDS), what);
            holders.add(model.keyOf(granted));
          }
          for (CompletableFuture<Integer> f : waiters.values()) {
            assertFalse(f.isDone(), what + ": only the model's choice is granted");
          }
          continue;
        }
        String key = "c" + random.nextInt(4);
        long id = model.arrivals;
        int expected = model.arrive(key);
        CompletableFuture<Integer> f = ask(slots, key, 60_000);
        if (expected == 0) {
          waiters.put(id, f);
          untilWaiting(slots, model.waiting.size());
        } else {
          assertEquals(expected, f.get(5, TimeUnit.SECONDS), what);
          if (expected == 200) {
            holders.add(key);
          }
        }
      }
      // end the round: every waiter is granted in turn as the holders leave
      while (!holders.isEmpty()) {
        String key = holders.remove(0);
        slots.release(key);
        Long granted = model.release(key);
        if (granted != null) {
          assertEquals(200, waiters.remove(granted).get(5, TimeUnit.SECONDS));
          holders.add(model.keyOf(granted));
        }
      }
      assertTrue(waiters.isEmpty());
      assertEquals(size, slots.free());
    }
  }

  /** The rules, written once more in the plainest way. */
  private static final class Model {
    final int perCaller;
    int free;
    long arrivals;
    long grants;
    final Map<String, Integer> claims = new HashMap<>();
    final Map<String, Integer> holds = new HashMap<>();
    final Map<String, Long> served = new HashMap<>();
    final List<long[]> waiting = new ArrayList<>(); // {arrival}
    final Map<Long, String> keys = new HashMap<>();

    Model(int size, int perCaller) {
      this.free = size;
      this.perCaller = perCaller;
    }

    /** 200 granted now, 429 refused, 0 waiting. */
    int arrive(String key) {
      long id = arrivals++;
      if (claims.getOrDefault(key, 0) >= perCaller) {
        return 429;
      }
      claims.merge(key, 1, Integer::sum);
      keys.put(id, key);
      if (free > 0) { // no one waits while a slot is free
        grant(key);
        return 200;
      }
      waiting.add(new long[] {id});
      return 0;
    }

    /** The waiter granted the freed slot, or null. */
    Long release(String key) {
      free++;
      holds.merge(key, -1, Integer::sum);
      claims.merge(key, -1, Integer::sum);
      if (waiting.isEmpty()) {
        return null;
      }
      long[] best = null;
      for (long[] w : waiting) {
        if (best == null || comesBefore(w[0], best[0])) {
          best = w;
        }
      }
      waiting.remove(best);
      grant(keys.get(best[0]));
      return best[0];
    }

    private boolean comesBefore(long a, long b) {
      String ka = keys.get(a);
      String kb = keys.get(b);
      int ha = holds.getOrDefault(ka, 0);
      int hb = holds.getOrDefault(kb, 0);
      if (ha != hb) {
        return ha < hb;
      }
      long sa = served.getOrDefault(ka, 0L);
      long sb = served.getOrDefault(kb, 0L);
      return sa != sb ? sa < sb : a < b;
    }

    private void grant(String key) {
      free--;
      holds.merge(key, 1, Integer::sum);
      served.put(key, ++grants);
    }

    String keyOf(long id) {
      return keys.get(id);
    }
  }
}
