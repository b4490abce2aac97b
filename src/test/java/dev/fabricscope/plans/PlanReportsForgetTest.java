package dev.fabricscope.plans;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fabricscope.report.ReportJson;
import dev.fabricscope.topology.Report;
import dev.fabricscope.topology.SyntheticHosts;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A deleted plan's kept reports: they stayed in the cache until the byte bound pushed them out,
 * holding up to 64 MiB for nothing, and answered for the plan's id if it was ever handed out again.
 * {@link PlanReports#forget} drops the base and every version, and a computation under way at the
 * delete answers its caller without being kept.
 */
class PlanReportsForgetTest {

  /** Stored base JSON by plan id; replaced to stand for a new plan under an old id. */
  private final Map<Long, String> stored = new HashMap<>();

  private static final Supplier<String> NONE = () -> "[]";

  private static final PlanReports.Slot AT_ONCE =
      new PlanReports.Slot() {
        @Override
        public <T> T run(Supplier<T> work) {
          return work.get();
        }
      };

  private String store(long plan, int endpoints) {
    String json = ReportJson.write(SyntheticHosts.nestedSwitches("p" + plan, endpoints));
    synchronized (stored) {
      stored.put(plan, json);
    }
    return json;
  }

  private PlanReports reports(PlanReports.Slot slot) {
    return new PlanReports(
        64,
        64L << 20,
        slot,
        id -> {
          synchronized (stored) {
            return stored.get(id);
          }
        });
  }

  @Test
  void aForgottenPlanHoldsNothingAndItsIdIsReadAgain() {
    store(1, 10);
    String other = store(2, 20);
    PlanReports r = reports(AT_ONCE);
    r.version(1, 1, NONE.get());
    r.version(1, 2, "[{\"op\":\"set-iommu\",\"enabled\":true}]");
    r.base(2);
    assertEquals(3, r.cached(1));
    r.forget(1);
    assertEquals(0, r.cached(1));
    assertEquals(1, r.cached(2), "other plans stay");
    assertEquals(other.length(), r.cachedBytes(), "the weight goes with them");
    // a plan of other content under the same id: read, not the deleted one's
    store(1, 31);
    assertEquals(31, endpoints(r.version(1, 1, NONE.get())));
    assertEquals(31, endpoints(r.base(1)));
  }

  @Test
  void aComputationUnderWayAtTheDeleteAnswersButIsNotKept() throws Exception {
    store(7, 10);
    CountDownLatch inSlot = new CountDownLatch(1);
    CountDownLatch deleted = new CountDownLatch(1);
    PlanReports.Slot held =
        new PlanReports.Slot() {
          @Override
          public <T> T run(Supplier<T> work) {
            inSlot.countDown();
            try {
              deleted.await();
            } catch (InterruptedException e) {
              throw new IllegalStateException(e);
            }
            return work.get();
          }
        };
    PlanReports r = reports(held);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<Report> reading = pool.submit(() -> r.base(7));
      inSlot.await();
      r.forget(7);
      deleted.countDown();
      assertEquals(10, endpoints(reading.get()));
      assertEquals(0, r.cached(7));
      assertEquals(0, r.cachedBytes());
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Generated: random reads and deletes over a dozen plans; after a delete nothing of the plan is
   * kept, the next read of its id parses the stored base anew, and the weight held is always the
   * sum of what is kept (nothing once every plan is deleted).
   */
  @Test
  void generatedReadsAndDeletes() {
    for (long seed = 1; seed <= 30; seed++) {
      Random rnd = new Random(seed);
      for (long p = 1; p <= 12; p++) {
        store(p, 4 + rnd.nextInt(40));
      }
      PlanReports r = reports(AT_ONCE);
      for (int step = 0; step < 80; step++) {
        long plan = 1 + rnd.nextInt(12);
        String where = "seed " + seed + " step " + step;
        switch (rnd.nextInt(4)) {
          case 0 -> {
            r.forget(plan);
            assertEquals(0, r.cached(plan), where);
            int endpoints = 4 + rnd.nextInt(40);
            store(plan, endpoints); // the id handed out again, other content
            int parsed = r.parsed();
            assertEquals(endpoints, endpoints(r.base(plan)), where);
            assertEquals(parsed + 1, r.parsed(), where + ": read anew");
          }
          case 1 -> r.base(plan);
          default -> r.version(plan, 1 + rnd.nextInt(5), NONE.get());
        }
      }
      for (long p = 1; p <= 12; p++) {
        r.forget(p);
      }
      assertEquals(0, r.cached(), "seed " + seed);
      assertEquals(0, r.cachedBytes(), "seed " + seed);
    }
  }

  private static int endpoints(Report r) {
    return (int)
        r.pci().stream()
            .filter(f -> f.portType() == dev.fabricscope.topology.PortType.ENDPOINT)
            .count();
  }
}
