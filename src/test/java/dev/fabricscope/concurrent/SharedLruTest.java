package dev.fabricscope.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link SharedLru}: once per key for concurrent callers, failures not kept, LRU bounds. */
class SharedLruTest {

  static final class Busy extends RuntimeException {}

  @Test
  void concurrentCallersShareOneComputationAndAFailureIsNotKept() throws Exception {
    SharedLru<Integer, String> lru = new SharedLru<>(4, 1000, String::length, 30, Busy::new);
    AtomicInteger computed = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<String>> calls = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        calls.add(
            pool.submit(
                () -> {
                  start.await();
                  return lru.get(
                      1,
                      () -> {
                        computed.incrementAndGet();
                        sleep(200);
                        return "one";
                      });
                }));
      }
      start.countDown();
      for (Future<String> f : calls) {
        assertEquals("one", f.get(10, TimeUnit.SECONDS));
      }
      assertEquals(1, computed.get());
    } finally {
      pool.shutdownNow();
    }
    assertThrows(
        IllegalStateException.class,
        () ->
            lru.get(
                2,
                () -> {
                  throw new IllegalStateException("failed");
                }));
    assertEquals("two", lru.get(2, () -> "two"), "the next call tries again");
  }

  /** A computing caller's own refusal, as {@code ComputationSlots} gives it. */
  static final class Refused extends RuntimeException {}

  /** How the first caller's computation of a key ends in a generated round. */
  enum Ending {
    VALUE,
    OWN_REFUSAL,
    SHARED_FAILURE
  }

  /**
   * Nineteenth security review, finding 2: a computing caller refused its slot failed every caller
   * waiting for the same key. Now its own refusal is its alone: one waiter computes under its own
   * name and every waiter gets the value; a real failure is still shared. Generated rounds against
   * that model: which ending, how many waiters.
   */
  @Test
  void aComputingCallersOwnRefusalIsNotItsWaiters() throws Exception {
    Random r = new Random(19);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      for (int round = 0; round < 12; round++) {
        SharedLru<Integer, String> lru =
            new SharedLru<>(4, 1000, String::length, 30, Busy::new, e -> e instanceof Refused);
        Ending ending = Ending.values()[round % 3];
        int key = round;
        int waiters = 1 + r.nextInt(4);
        AtomicInteger computed = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(1);
        Future<String> first =
            pool.submit(
                () ->
                    lru.get(
                        key,
                        () -> {
                          computed.incrementAndGet();
                          started.countDown();
                          sleep(300); // the waiters join meanwhile
                          return switch (ending) {
                            case VALUE -> "v";
                            case OWN_REFUSAL -> throw new Refused();
                            case SHARED_FAILURE -> throw new IllegalStateException("broken");
                          };
                        }));
        assertTrue(started.await(10, TimeUnit.SECONDS));
        List<Future<String>> rest = new ArrayList<>();
        for (int i = 0; i < waiters; i++) {
          rest.add(
              pool.submit(
                  () ->
                      lru.get(
                          key,
                          () -> {
                            computed.incrementAndGet();
                            return "v";
                          })));
        }
        String c = "round " + round + ": " + ending + ", " + waiters + " waiters";
        for (Future<String> w : rest) {
          if (ending == Ending.SHARED_FAILURE) {
            ExecutionException e =
                assertThrows(ExecutionException.class, () -> w.get(10, TimeUnit.SECONDS), c);
            assertTrue(e.getCause() instanceof IllegalStateException, c);
          } else {
            assertEquals("v", w.get(10, TimeUnit.SECONDS), c);
          }
        }
        if (ending == Ending.VALUE) {
          assertEquals("v", first.get(10, TimeUnit.SECONDS), c);
        } else {
          assertThrows(ExecutionException.class, () -> first.get(10, TimeUnit.SECONDS), c);
        }
        assertEquals(ending == Ending.OWN_REFUSAL ? 2 : 1, computed.get(), c);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aWaiterGivesUpAsBusy() throws Exception {
    SharedLru<Integer, String> lru = new SharedLru<>(4, 1000, String::length, 1, Busy::new);
    CountDownLatch computing = new CountDownLatch(1);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      pool.submit(
          () ->
              lru.get(
                  1,
                  () -> {
                    computing.countDown();
                    sleep(3000);
                    return "slow";
                  }));
      computing.await();
      assertThrows(Busy.class, () -> lru.get(1, () -> "never"));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void generatedSequencesKeepWhatAnLruModelKeeps() {
    Random random = new Random(4);
    for (int run = 0; run < 100; run++) {
      int entries = 1 + random.nextInt(5);
      long bytes = 5 + random.nextInt(30);
      SharedLru<Integer, String> lru =
          new SharedLru<>(entries, bytes, String::length, 1, Busy::new);
      LinkedHashMap<Integer, String> model = new LinkedHashMap<>(16, 0.75f, true);
      for (int step = 0; step < 60; step++) {
        int key = random.nextInt(8);
        String value = "x".repeat(1 + random.nextInt(12));
        String kept = model.get(key);
        String got = lru.get(key, () -> value);
        if (kept != null) {
          assertSame(kept, got, "a kept value is served");
          continue;
        }
        assertSame(value, got);
        if (value.length() <= bytes) {
          model.put(key, value);
          long total = model.values().stream().mapToLong(String::length).sum();
          var it = model.entrySet().iterator();
          while ((model.size() > entries || total > bytes) && it.hasNext()) {
            Map.Entry<Integer, String> e = it.next();
            total -= e.getValue().length();
            it.remove();
          }
        }
        assertEquals(model.size(), lru.size(), "run " + run + " step " + step);
        assertEquals(model.values().stream().mapToLong(String::length).sum(), lru.bytes());
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
