package dev.fabricscope.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A sender's coded bodies decode one at a time; senders do not wait for each other. */
class CodedBodyTurnsTest {

  @Test
  void aSendersSecondBodyWaitsForTheFirstAndAnotherSenderDoesNot() throws Exception {
    CodedBodyTurns turns = new CodedBodyTurns();
    CodedBodyTurns.Taken first = turns.take("op");
    assertNotNull(first);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<CodedBodyTurns.Taken> second = pool.submit(() -> turns.take("op"));
      assertNotNull(turns.take("other"), "another sender's turn is free at once");
      Thread.sleep(200);
      assertFalse(second.isDone(), "the sender's second body waits");
      first.close();
      CodedBodyTurns.Taken next = second.get(2, TimeUnit.SECONDS);
      assertNotNull(next, "it goes once the first is decoded");
      next.close();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aTurnNotFreeWithinTheWaitIsRefused() throws Exception {
    CodedBodyTurns turns = new CodedBodyTurns();
    CodedBodyTurns.Taken held = turns.take("op");
    long start = System.nanoTime();
    assertNull(turns.take("op"));
    assertTrue(
        System.nanoTime() - start >= CodedBodyTurns.WAIT.toNanos(), "it waited the whole wait");
    held.close();
    assertEquals(0, turns.senders());
  }

  /**
   * Generated: 16 threads take 4,000 turns of 5 senders at random; a sender never has two bodies
   * decoding at once, every turn is given, and nothing is left once all are back.
   */
  @Test
  void generatedTurnsNeverOverlapPerSenderAndLeaveNothing() throws Exception {
    CodedBodyTurns turns = new CodedBodyTurns();
    Map<String, AtomicInteger> decoding = new ConcurrentHashMap<>();
    AtomicInteger overlaps = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < 16; w++) {
      long seed = 20261207L + w;
      done.add(
          pool.submit(
              () -> {
                Random r = new Random(seed);
                go.await();
                for (int i = 0; i < 250; i++) {
                  String sender = "s" + r.nextInt(5);
                  CodedBodyTurns.Taken t = turns.take(sender);
                  if (t == null) {
                    refused.incrementAndGet();
                    continue;
                  }
                  try {
                    AtomicInteger n = decoding.computeIfAbsent(sender, k -> new AtomicInteger());
                    if (n.incrementAndGet() > 1) {
                      overlaps.incrementAndGet();
                    }
                    if (r.nextInt(8) == 0) {
                      Thread.yield();
                    }
                    n.decrementAndGet();
                  } finally {
                    t.close();
                  }
                }
                return null;
              }));
    }
    go.countDown();
    for (Future<?> f : done) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertEquals(0, overlaps.get(), "a sender had two bodies decoding at once");
    assertEquals(0, refused.get(), "short turns never wait 5 s");
    assertEquals(0, turns.senders(), "every sender's turn is gone");
  }
}
