package dev.fabricscope.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.security.ApiException;
import dev.fabricscope.topology.SyntheticHosts;
import dev.fabricscope.topology.TopologyDiff;
import java.time.Duration;
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
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

/** The cache and slot of {@link SnapshotDiffs}, without a server. */
class SnapshotDiffsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Snapshot n: a host of 4 + n endpoints, so every pair of snapshots differs. */
  private static final LongFunction<String> REPORTS =
      id -> ReportJson.write(SyntheticHosts.nestedSwitches("d", 4 + (int) id));

  private static P2pMatrices slots(int n) {
    return new P2pMatrices(100, n, Duration.ZERO, 1 << 20, 2, JSON);
  }

  @Test
  void aRepeatedDiffIsServedFromTheCacheAndAnswersAsComputed() throws Exception {
    SnapshotDiffs d = new SnapshotDiffs(slots(1), JSON);
    byte[] first = d.json(1, 2, REPORTS);
    assertArrayEquals(first, d.json(1, 2, REPORTS));
    assertEquals(1, d.computed());
    byte[] direct =
        JSON.writeValueAsBytes(
            TopologyDiff.between(
                HostSnapshots.read(REPORTS.apply(1)), HostSnapshots.read(REPORTS.apply(2))));
    assertArrayEquals(direct, first);
    d.json(2, 1, REPORTS); // the other direction is another diff
    assertEquals(2, d.computed());
  }

  @Test
  void withoutAFreeSlotItIs503AndNothingIsReadOrCached() {
    P2pMatrices m = slots(1);
    SnapshotDiffs d = new SnapshotDiffs(m, JSON);
    m.slots().holdAll();
    ApiException e = assertThrows(ApiException.class, () -> d.json(1, 2, REPORTS));
    assertEquals(503, e.status());
    assertEquals(0, d.computed());
    m.slots().giveBack(1);
    d.json(1, 2, REPORTS);
    assertEquals(1, d.computed());
    assertEquals(1, m.slots().free(), "the slot is given back");
  }

  /** Requests for a diff being computed wait for it instead of taking slots of their own. */
  @Test
  void concurrentRequestsForOneDiffComputeItOnce() throws Exception {
    SnapshotDiffs d = new SnapshotDiffs(slots(1), JSON);
    CountDownLatch reading = new CountDownLatch(1);
    CountDownLatch go = new CountDownLatch(1);
    LongFunction<String> slow =
        id -> {
          reading.countDown();
          try {
            go.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return REPORTS.apply(id);
        };
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<byte[]>> all = new ArrayList<>();
      all.add(pool.submit(() -> d.json(1, 2, slow)));
      reading.await(10, TimeUnit.SECONDS);
      for (int i = 0; i < 5; i++) {
        all.add(pool.submit(() -> d.json(1, 2, slow)));
      }
      Thread.sleep(100);
      go.countDown();
      byte[] first = all.get(0).get(10, TimeUnit.SECONDS);
      for (Future<byte[]> f : all) {
        assertArrayEquals(first, f.get(10, TimeUnit.SECONDS));
      }
      assertEquals(1, d.computed());
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Generated: random sequences of diff requests over a few snapshots, against an LRU model of
   * {@link SnapshotDiffs#ENTRIES} entries: a diff is computed exactly when the model misses, and
   * every answer is the diff's own.
   */
  @Test
  void randomRequestSequencesComputeOnlyOnAMiss() {
    Map<Long, String> reports = new LinkedHashMap<>();
    LongFunction<String> cached = id -> reports.computeIfAbsent(id, REPORTS::apply);
    for (long seed = 1; seed <= 5; seed++) {
      Random r = new Random(seed);
      SnapshotDiffs d = new SnapshotDiffs(slots(2), JSON);
      LinkedHashMap<String, byte[]> model = new LinkedHashMap<>(16, 0.75f, true);
      int misses = 0;
      for (int step = 0; step < 150; step++) {
        long from = 1 + r.nextInt(7);
        long to = 1 + r.nextInt(7);
        String key = from + ">" + to;
        byte[] got = d.json(from, to, cached);
        byte[] known = model.get(key);
        if (known == null) {
          misses++;
          model.put(key, got);
          if (model.size() > SnapshotDiffs.ENTRIES) {
            model.remove(model.keySet().iterator().next());
          }
        } else {
          assertArrayEquals(known, got, "seed " + seed + " step " + step);
        }
        assertEquals(misses, d.computed(), "seed " + seed + " step " + step);
      }
    }
  }

  @Test
  void staysWithinItsByteBound() {
    int size = new SnapshotDiffs(slots(1), JSON).json(1, 2, REPORTS).length;
    long bound = size * 3L;
    SnapshotDiffs small = new SnapshotDiffs(slots(1), JSON, bound);
    for (long to = 2; to <= 7; to++) {
      small.json(1, to, REPORTS);
      assertTrue(small.cachedBytes() <= bound, small.cachedBytes() + " > " + bound);
    }
    assertTrue(small.cached() < 6, "evicted: " + small.cached());
    assertTrue(small.cached() >= 1);
  }
}
