package dev.fabricscope.bandwidth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The per-host poll places of {@link JobWaiters}, without a server. */
class JobWaitersTest {

  /** A poll as the model sees it: whether its client went away, whether it ended. */
  static final class Poll {
    final AtomicBoolean gone = new AtomicBoolean();
    JobWaiters.Place place;
  }

  @Test
  void theThirdIsRefusedAndAReleasedOrAbandonedPlaceIsFreeAgain() {
    JobWaiters w = new JobWaiters();
    AtomicBoolean gone = new AtomicBoolean();
    JobWaiters.Place a = w.take("h", 2, () -> false);
    JobWaiters.Place b = w.take("h", 2, gone::get);
    assertNull(w.take("h", 2, () -> false));
    assertNotNull(w.take("other", 2, () -> false), "hosts count apart");
    a.release();
    a.release(); // once only
    assertEquals(1, w.places("h"));
    JobWaiters.Place c = w.take("h", 2, () -> false);
    assertNull(w.take("h", 2, () -> false));
    gone.set(true); // b's client reset: its place goes to the next poll
    JobWaiters.Place d = w.take("h", 2, () -> false);
    assertNotNull(d);
    b.release(); // b's own end, later, frees nothing more
    assertEquals(2, w.places("h"));
    c.release();
    d.release();
    assertEquals(0, w.places("h"));
  }

  /**
   * Generated: random sequences of takes, ends and client resets on a few hosts with random limits,
   * against a model; a take succeeds exactly when the model has room once abandoned polls are
   * dropped, and no host ever holds more than its limit.
   */
  @Test
  void randomSequencesMatchTheModel() {
    for (long seed = 1; seed <= 200; seed++) {
      Random r = new Random(seed);
      JobWaiters w = new JobWaiters();
      int max = 1 + r.nextInt(3);
      List<List<Poll>> held = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
      for (int step = 0; step < 200; step++) {
        int h = r.nextInt(3);
        String host = "h" + h;
        List<Poll> model = held.get(h);
        int op = r.nextInt(3);
        if (op == 0 || model.isEmpty()) {
          Poll p = new Poll();
          p.place = w.take(host, max, p.gone::get);
          if (model.size() >= max) {
            model.removeIf(x -> x.gone.get());
          }
          boolean room = model.size() < max;
          assertEquals(room, p.place != null, "seed " + seed + " step " + step);
          if (room) {
            model.add(p);
          }
        } else if (op == 1) {
          Poll p = model.remove(r.nextInt(model.size()));
          p.place.release();
        } else {
          model.get(r.nextInt(model.size())).gone.set(true);
        }
        assertEquals(model.size(), w.places(host), "seed " + seed + " step " + step);
        assertTrue(w.places(host) <= max);
      }
    }
  }

  /** Generated: many threads taking and ending polls of one host never hold more than the limit. */
  @Test
  void concurrentPollsNeverExceedTheLimit() throws Exception {
    JobWaiters w = new JobWaiters();
    int max = 2;
    AtomicInteger live = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    AtomicInteger taken = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> all = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      long seed = t;
      all.add(
          pool.submit(
              () -> {
                Random r = new Random(seed);
                for (int i = 0; i < 5_000; i++) {
                  JobWaiters.Place p = w.take("h", max, () -> false);
                  if (p != null) {
                    taken.incrementAndGet();
                    most.accumulateAndGet(live.incrementAndGet(), Math::max);
                    if (r.nextBoolean()) {
                      Thread.yield();
                    }
                    live.decrementAndGet();
                    p.release();
                  }
                }
              }));
    }
    for (Future<?> f : all) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertTrue(most.get() <= max, "at most " + max + " at once, saw " + most.get());
    assertTrue(taken.get() > 0);
    assertEquals(0, w.places("h"));
  }
}
