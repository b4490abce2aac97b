package dev.fabricscope.plans;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.topology.Report;
import dev.fabricscope.topology.SyntheticHosts;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The background planning of stored reports: a host that reports again within its pace is planned
 * once more after the pace, with its latest report only; other hosts do not wait for it; one host's
 * failure, an Error included, is not the others'.
 */
class StoredReportsTest {

  record Planned(String host, long snapshotId, long atNanos) {}

  @Test
  void aHostReportingAgainWithinItsPaceIsLeftToTheRankingUntilThePaceHasPassed() throws Exception {
    List<Planned> planned = new CopyOnWriteArrayList<>();
    StoredReports stored =
        new StoredReports(
            (h, w) -> planned.add(new Planned(h, w.snapshotId(), System.nanoTime())),
            Duration.ofMillis(600));
    try {
      Report report = SyntheticHosts.nestedSwitches("paced", 4);
      stored.add("a", 1, report);
      waitFor(() -> planned.size() == 1);
      for (long s = 2; s <= 5; s++) {
        assertTrue(stored.add("a", s, report));
      }
      // not kept, not queued: the snapshot event skips it too, and a ranking plans it
      assertTrue(stored.paced("a"));
      assertFalse(stored.waiting("a", 5));
      assertNull(stored.report("a", 5));
      assertEquals(0, stored.size());
      Thread.sleep(300);
      assertEquals(List.of(1L), planned.stream().map(Planned::snapshotId).toList());
      waitFor(() -> !stored.paced("a"));
      stored.add("a", 6, report);
      waitFor(() -> planned.size() == 2);
      assertEquals(List.of(1L, 6L), planned.stream().map(Planned::snapshotId).toList());
      long gap = planned.get(1).atNanos() - planned.get(0).atNanos();
      assertTrue(gap >= Duration.ofMillis(600).toNanos(), "planned again after " + gap + " ns");
    } finally {
      stored.stop();
    }
  }

  @Test
  void manyHostsAreNotPacedByEachOther() throws Exception {
    List<Planned> planned = new CopyOnWriteArrayList<>();
    StoredReports stored =
        new StoredReports(
            (h, w) -> planned.add(new Planned(h, w.snapshotId(), System.nanoTime())),
            Duration.ofSeconds(30));
    try {
      long t0 = System.nanoTime();
      for (int i = 0; i < 200; i++) {
        stored.add("host" + i, i + 1, null);
      }
      waitFor(() -> planned.size() == 200);
      assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos());
      assertEquals(200, planned.stream().map(Planned::host).distinct().count());
    } finally {
      stored.stop();
    }
  }

  /** An Error planning one host (OutOfMemoryError) neither ends the thread nor the next host's. */
  @Test
  void anErrorPlanningOneHostLeavesTheThreadPlanningTheOthers() throws Exception {
    List<Planned> planned = new CopyOnWriteArrayList<>();
    StoredReports stored =
        new StoredReports(
            (h, w) -> {
              if (h.startsWith("oom")) {
                throw new OutOfMemoryError("Java heap space (a test)");
              }
              if (h.startsWith("fails")) {
                throw new IllegalStateException("a test");
              }
              planned.add(new Planned(h, w.snapshotId(), System.nanoTime()));
            },
            Duration.ofMillis(1));
    try {
      stored.add("oom", 1, null);
      stored.add("fails", 2, null);
      stored.add("after", 3, null);
      waitFor(() -> planned.size() == 1);
      stored.add("oom2", 4, null);
      stored.add("later", 5, null);
      waitFor(() -> planned.size() == 2);
      assertEquals(List.of("after", "later"), planned.stream().map(Planned::host).toList());
      assertEquals(0, stored.size());
    } finally {
      stored.stop();
    }
  }

  private static void waitFor(java.util.function.BooleanSupplier done) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!done.getAsBoolean()) {
      assertTrue(System.nanoTime() < end, "timed out");
      Thread.sleep(5);
    }
  }
}
