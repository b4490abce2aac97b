package dev.fabricscope.plans;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.report.ReportJson;
import dev.fabricscope.security.ApiException;
import dev.fabricscope.topology.SyntheticHosts;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The plan report cache, without a server: a security review saw 70 versions of one 14 MB plan hold
 * 1 GB of a 1.4 GB heap, because the cache kept 64 reports whatever their size. It is weighed by
 * the JSON the reports were read from, parses each plan's base once, and parses and edits in a
 * slot.
 */
class PlanReportsTest {

  /** Plan n's base: a host of 4 + 9n endpoints, so plans differ in size. */
  private static final Map<Long, String> BASES = new HashMap<>();

  private static final LongFunction<String> BASE =
      id -> {
        synchronized (BASES) {
          return BASES.computeIfAbsent(
              id,
              n ->
                  ReportJson.write(
                      SyntheticHosts.nestedSwitches("plan" + n, 4 + 9 * n.intValue())));
        }
      };

  /** Runs the work at once, counting the runs. */
  private static final class CountingSlot implements PlanReports.Slot {
    int runs;

    @Override
    public <T> T run(Supplier<T> work) {
      runs++;
      return work.get();
    }
  }

  /** Version v's edits: v edits, so versions differ in weight too. */
  private static String edits(int v) {
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < v; i++) {
      s.append(i == 0 ? "" : ",").append("{\"op\":\"set-iommu\",\"enabled\":").append(i % 2 == 0);
      s.append('}');
    }
    return s.append(']').toString();
  }

  @Test
  void aPlansBaseIsParsedOnceForItsVersionsAndPreviews() {
    CountingSlot slot = new CountingSlot();
    PlanReports r = new PlanReports(64, 64L << 20, slot, BASE);
    var v1 = r.version(1, 1, edits(0));
    var v2 = r.version(1, 2, edits(2));
    assertSame(v1, r.version(1, 1, edits(0)), "a version is kept");
    assertSame(r.base(1), r.base(1));
    assertEquals(1, r.parsed(), "one parse of the base for both versions and the previews");
    assertEquals(v1.pci().size(), v2.pci().size());
    // one run for the base, one per version's edits: nothing parsed or edited outside a slot
    assertEquals(3, slot.runs);
    long weight = BASE.apply(1).length();
    assertEquals(
        weight + (weight + edits(0).length()) + (weight + edits(2).length()), r.cachedBytes());
  }

  @Test
  void aReportLargerThanTheBoundIsServedButNotKept() {
    long size = BASE.apply(30).length();
    PlanReports r = new PlanReports(64, size - 1, new CountingSlot(), BASE);
    r.version(30, 1, edits(0));
    r.version(30, 1, edits(0));
    assertEquals(0, r.cached());
    assertEquals(0, r.cachedBytes());
    assertEquals(2, r.parsed(), "each read parses again rather than holding it");
  }

  @Test
  void withoutAFreeSlotItIs503AndNothingIsReadOrKept() {
    Semaphore slots = new Semaphore(1);
    PlanReports.Slot slot =
        new PlanReports.Slot() {
          @Override
          public <T> T run(Supplier<T> work) {
            if (!slots.tryAcquire()) {
              throw new ApiException(503, "Service unavailable", "busy");
            }
            try {
              return work.get();
            } finally {
              slots.release();
            }
          }
        };
    PlanReports r = new PlanReports(64, 64L << 20, slot, BASE);
    slots.acquireUninterruptibly();
    ApiException e = assertThrows(ApiException.class, () -> r.version(2, 1, edits(0)));
    assertEquals(503, e.status());
    assertEquals(0, r.parsed());
    assertEquals(0, r.cached());
    slots.release();
    r.version(2, 1, edits(0));
    assertEquals(1, r.parsed());
    assertEquals(1, slots.availablePermits(), "the slot is given back");
  }

  /**
   * Generated: random sequences of base and version reads over plans of different sizes, under byte
   * bounds from less than one plan to several: the weight held never passes the bound, an entry
   * that fits is held right after its read, and a read always answers the version asked for.
   */
  @Test
  void randomSequencesOfPlansAndVersionsStayWithinTheByteBound() throws Exception {
    long smallest = BASE.apply(1).length();
    long largest = BASE.apply(12).length();
    for (long seed = 1; seed <= 40; seed++) {
      Random rnd = new Random(seed);
      // from half the smallest plan (nothing fits) to four of the largest
      long bound = smallest / 2 + (long) (rnd.nextDouble() * 4 * largest);
      PlanReports r = new PlanReports(1 + rnd.nextInt(64), bound, new CountingSlot(), BASE);
      for (int step = 0; step < 60; step++) {
        long plan = 1 + rnd.nextInt(12);
        int version = rnd.nextInt(8); // 0: the base, as /preview and /compare read it
        String where = "seed " + seed + " step " + step + " bound " + bound;
        long weight = BASE.apply(plan).length();
        int functions = ReportJson.read(BASE.apply(plan)).pci().size();
        if (version == 0) {
          assertEquals(functions, r.base(plan).pci().size(), where);
        } else {
          weight += edits(version).length();
          assertEquals(functions, r.version(plan, version, edits(version)).pci().size(), where);
        }
        assertTrue(r.cachedBytes() <= bound, where + ": " + r.cachedBytes() + " bytes held");
        if (weight <= bound) {
          assertTrue(r.cachedBytes() >= weight, where + ": the entry just read is held");
        }
      }
    }
  }
}
