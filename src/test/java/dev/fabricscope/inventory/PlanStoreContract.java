package dev.fabricscope.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link PlanStore} must do, on H2 and on a real PostgreSQL. */
abstract class PlanStoreContract extends EmptiedDatabase {

  static final Instant T0 = Instant.parse("2026-12-05T01:00:00.123456Z");
  static final String REPORT = "{\"schemaVersion\":1,\"pci\":[" + "{}".repeat(0) + "]}";

  PlanStore store;

  @BeforeEach
  void openStore() throws Exception {
    store = new JdbcPlanStore(dataSource());
  }

  @Test
  void aPlanKeepsItsCopiedReportAndItsVersionsInOrder() {
    long id = store.create("p", "h1", 42, REPORT, "op", T0);
    assertEquals(REPORT, store.baseReport(id).orElseThrow());
    assertEquals(
        2,
        store.addVersion(
            id, 1, "[{\"op\":\"set-iommu\",\"enabled\":false}]", "n", "op", T0.plusSeconds(1)));
    assertEquals(3, store.addVersion(id, 2, "[]", null, "op2", T0.plusSeconds(2)));
    PlanStore.Plan p = store.plan(id).orElseThrow();
    assertEquals(List.of(1, 2, 3), p.versions().stream().map(PlanStore.Version::version).toList());
    assertEquals("[]", p.versions().get(0).editsJson());
    assertEquals("n", p.versions().get(1).note());
    assertEquals(T0, p.created());
    assertEquals(42, p.snapshotId());
    assertEquals(3, p.latestVersion());
  }

  @Test
  void aVersionOnTopOfAnOldOneIsRefused() {
    long id = store.create("p", "h1", 1, REPORT, "op", T0);
    store.addVersion(id, 1, "[]", null, "op", T0);
    PlanStore.StaleVersionException e =
        assertThrows(
            PlanStore.StaleVersionException.class,
            () -> store.addVersion(id, 1, "[]", null, "op", T0));
    assertEquals("2", e.getMessage());
    assertEquals(2, store.plan(id).orElseThrow().latestVersion());
  }

  @Test
  void concurrentSavesOnOneVersionLetExactlyOneThrough() throws Exception {
    long id = store.create("p", "h1", 1, REPORT, "op", T0);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        Callable<Integer> save =
            () -> {
              try {
                return store.addVersion(id, 1, "[]", null, "op", T0);
              } catch (PlanStore.StaleVersionException e) {
                return -1;
              }
            };
        results.add(pool.submit(save));
      }
      int won = 0;
      for (Future<Integer> f : results) {
        if (f.get() == 2) {
          won++;
        }
      }
      assertEquals(1, won);
      assertEquals(2, store.plan(id).orElseThrow().latestVersion());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void listingIsNewestFirstAndDeletingRemovesVersions() {
    long a = store.create("a", "h1", 1, REPORT, "op", T0);
    long b = store.create("b", "h2", 2, REPORT, "op", T0);
    store.addVersion(b, 1, "[]", null, "op", T0);
    assertEquals(List.of(b, a), store.plans(10).stream().map(PlanStore.Summary::id).toList());
    assertEquals(List.of(2, 1), store.plans(10).stream().map(p -> p.latestVersion()).toList());
    assertEquals(1, store.plans(1).size());
    assertTrue(store.delete(b));
    assertFalse(store.delete(b));
    assertTrue(store.plan(b).isEmpty());
    assertTrue(store.baseReport(b).isEmpty());
    assertEquals(List.of(a), store.plans(10).stream().map(PlanStore.Summary::id).toList());
  }

  @Test
  void aCreatorKeepsAtMostSoManyPlansAndAPlanSoManyVersions() {
    PlanStore limited =
        new JdbcPlanStore(
            dataSource(), new PlanStore.Limits(2, 3, Long.MAX_VALUE), SnapshotSpace.UNCHECKED);
    long first = limited.create("a", "h1", 1, REPORT, "op", T0);
    limited.create("b", "h1", 1, REPORT, "op", T0);
    var e =
        assertThrows(
            PlanStore.LimitReachedException.class,
            () -> limited.create("c", "h1", 1, REPORT, "op", T0));
    assertTrue(e.getMessage().contains("max-per-creator"), e.getMessage());
    limited.create("d", "h1", 1, REPORT, "op2", T0); // another creator has places of its own
    assertTrue(limited.delete(first));
    limited.create("e", "h1", 1, REPORT, "op", T0); // a deleted plan gives its place back

    long p = limited.create("v", "h1", 1, REPORT, "op3", T0);
    assertEquals(2, limited.addVersion(p, 1, "[]", null, "op3", T0));
    assertEquals(3, limited.addVersion(p, 2, "[]", null, "op3", T0));
    assertThrows(
        PlanStore.LimitReachedException.class,
        () -> limited.addVersion(p, 3, "[]", null, "op3", T0));
    assertEquals(3, limited.plan(p).orElseThrow().versions().size(), "nothing written");
  }

  /**
   * Edit lists past the plan's bytes are refused, counted over every version (fourteenth review).
   */
  @Test
  void aPlanKeepsAtMostSoManyBytesOfEdits() {
    PlanStore limited =
        new JdbcPlanStore(dataSource(), new PlanStore.Limits(9, 99, 100), SnapshotSpace.UNCHECKED);
    long p = limited.create("b", "h1", 1, REPORT, "op", T0); // version 1: "[]", 2 characters
    String forty = "[" + "\"x\",".repeat(8) + "\"xyzw\"]";
    assertEquals(40, forty.length());
    assertEquals(2, limited.addVersion(p, 1, forty, null, "op", T0));
    assertEquals(3, limited.addVersion(p, 2, forty, null, "op", T0)); // 82 kept
    var e =
        assertThrows(
            PlanStore.LimitReachedException.class,
            () -> limited.addVersion(p, 3, forty, null, "op", T0));
    assertTrue(e.getMessage().contains("max-bytes"), e.getMessage());
    assertEquals(4, limited.addVersion(p, 3, "[1,2,3,4,5,6,7,8]", null, "op", T0)); // 17: 99 kept
    assertEquals(4, limited.summary(p).orElseThrow().latestVersion());
  }

  @Test
  void aSummaryAndOneVersionAreReadWithoutTheOthers() {
    long id = store.create("p", "h1", 7, REPORT, "op", T0);
    store.addVersion(id, 1, "[{\"op\":\"set-iommu\",\"enabled\":false}]", "n", "op", T0);
    var summary = store.summary(id).orElseThrow();
    assertEquals(List.of(id, 2L), List.of(summary.id(), (long) summary.latestVersion()));
    assertEquals(7, summary.snapshotId());
    assertEquals("n", store.version(id, 2).orElseThrow().note());
    assertTrue(store.version(id, 3).isEmpty());
    assertTrue(store.summary(id + 1000).isEmpty());
  }

  /**
   * A version saved while its plan is deleted: the save either lands before the delete or is
   * refused as no plan, never a foreign-key failure (fourteenth security review: a 500 with a stack
   * trace about once in 30 rounds). 40 generated rounds of a delete racing three saves.
   */
  @Test
  void savesRacingADeleteLandOrFindNoPlan() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 40; round++) {
        long id = store.create("p" + round, "h1", 1, REPORT, "op", T0);
        List<Future<String>> outcomes = new ArrayList<>();
        outcomes.add(pool.submit(() -> store.delete(id) ? "deleted" : "none"));
        for (int i = 0; i < 3; i++) {
          outcomes.add(
              pool.submit(
                  () -> {
                    try {
                      return "saved " + store.addVersion(id, 1, "[]", null, "op2", T0);
                    } catch (PlanStore.NoPlanException e) {
                      return "no plan";
                    } catch (PlanStore.StaleVersionException e) {
                      return "stale";
                    }
                  }));
        }
        assertEquals("deleted", outcomes.get(0).get(), "round " + round);
        for (Future<String> f : outcomes.subList(1, 4)) {
          String o = f.get(); // a StoreException would fail here
          assertTrue(o.matches("saved 2|no plan|stale"), "round " + round + ": " + o);
        }
        assertTrue(store.plan(id).isEmpty());
      }
    } finally {
      pool.shutdownNow();
    }
    var e =
        assertThrows(
            PlanStore.NoPlanException.class,
            () -> store.addVersion(1 << 30, 1, "[]", null, "op", T0));
    assertEquals("no plan " + (1 << 30), e.getMessage());
  }

  /** Plans and versions are held to the volume's floor as snapshots are (fourteenth review). */
  @Test
  void noPlanOrVersionIsWrittenWithoutRoom() {
    long id = store.create("p", "h1", 1, REPORT, "op", T0);
    SnapshotSpace full =
        new SnapshotSpace() {
          @Override
          public void checkRoom(String refused) {
            throw new StoreFullException(refused);
          }

          @Override
          public void changed() {}
        };
    PlanStore noRoom = new JdbcPlanStore(dataSource(), PlanStore.Limits.NONE, full);
    assertThrows(StoreFullException.class, () -> noRoom.create("q", "h1", 1, REPORT, "op", T0));
    assertThrows(StoreFullException.class, () -> noRoom.addVersion(id, 1, "[]", null, "op", T0));
    assertEquals(1, store.plans(10).size());
    assertEquals(1, store.summary(id).orElseThrow().latestVersion());
  }
}
