package dev.fabricscope.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
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
