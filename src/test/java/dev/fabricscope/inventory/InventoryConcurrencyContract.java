package dev.fabricscope.inventory;

import static dev.fabricscope.inventory.InventoryStoreContract.T0;
import static dev.fabricscope.inventory.InventoryStoreContract.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.inventory.InventoryStore.HostQuery;
import dev.fabricscope.inventory.InventoryStore.Ingest;
import dev.fabricscope.inventory.InventoryStore.Outcome;
import java.sql.Connection;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every {@link InventoryStore} must do under concurrent reports: first reports of one new host
 * racing each other or an uncommitted insert, and many hosts at once. Subclasses give a migrated
 * database; each test starts with empty tables.
 */
abstract class InventoryConcurrencyContract extends InventoryStoreSetup {

  @Test
  void concurrentFirstReportsForOneNewHost() throws Exception {
    // 16 threads, distinct content: one host row, 16 snapshots, the latest pointer on the newest.
    List<InventoryStore.IngestResult> results =
        runConcurrently(16, i -> report("fresh", "h" + i, T0.plusMillis(i)));
    assertEquals(1, results.stream().map(r -> r.hostId()).distinct().count());
    assertTrue(results.stream().allMatch(r -> r.outcome() == Outcome.CREATED));
    assertEquals(
        Map.of("hosts", 1L, "host_labels", 0L, "snapshots", 16L, "tokens", 0L), store.rowCounts());
    var host = store.host("fresh").orElseThrow();
    assertEquals(16, store.snapshots("fresh").size());
    assertNotEquals(null, host.latestSnapshotId());

    // 16 threads, same content for another new host: exactly one snapshot.
    List<InventoryStore.IngestResult> same = runConcurrently(16, i -> report("twin", "same", T0));
    assertEquals(1, same.stream().filter(r -> r.outcome() == Outcome.CREATED).count());
    assertEquals(1, same.stream().map(r -> r.snapshotId()).distinct().count());
    assertEquals(17L, store.rowCounts().get("snapshots"));
  }

  @Test
  void firstReportRacingAnUncommittedInsertOfTheSameHost() throws Exception {
    // Deterministic version of the race: another transaction has inserted the host and not
    // committed yet when the report comes in.
    try (Connection other = dataSource().getConnection()) {
      other.setAutoCommit(false);
      try (var ps =
          other.prepareStatement(
              "INSERT INTO hosts (name, first_seen, last_seen, imported) VALUES (?, ?, ?, ?)")) {
        ps.setString(1, "racy");
        ps.setObject(2, T0.atOffset(ZoneOffset.UTC));
        ps.setObject(3, T0.atOffset(ZoneOffset.UTC));
        ps.setBoolean(4, false);
        ps.executeUpdate();
      }
      var ingest = CompletableFuture.supplyAsync(() -> store.ingest(report("racy", "h1", T0)));
      Thread.sleep(300);
      assertFalse(ingest.isDone(), "ingest must wait for the other transaction");
      other.commit();
      var result = ingest.get(30, TimeUnit.SECONDS);
      assertEquals(Outcome.CREATED, result.outcome());
      assertEquals(1L, store.rowCounts().get("hosts"));
      assertEquals(result.snapshotId(), store.host("racy").orElseThrow().latestSnapshotId());
    }
  }

  @Test
  void concurrentReportsForFiftyHosts() throws Exception {
    // 16 threads over 50 new hosts, 4 distinct reports each (200 ingests).
    List<InventoryStore.IngestResult> results =
        runConcurrently(200, i -> report("host-" + (i % 50), "h" + (i / 50), T0.plusMillis(i)));
    assertEquals(200, results.size());
    assertEquals(50L, store.rowCounts().get("hosts"));
    assertEquals(200L, store.rowCounts().get("snapshots"));
    assertEquals(50, store.hosts(new HostQuery("host-", null, null, 0, 1000)).total());
    for (int h = 0; h < 50; h++) {
      assertEquals(4, store.snapshots("host-" + h).size());
    }
  }

  private interface IngestFactory {
    Ingest make(int i);
  }

  private List<InventoryStore.IngestResult> runConcurrently(int tasks, IngestFactory factory)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      var start = new CountDownLatch(1);
      List<Future<InventoryStore.IngestResult>> futures = new ArrayList<>();
      for (int i = 0; i < tasks; i++) {
        Ingest ingest = factory.make(i);
        Callable<InventoryStore.IngestResult> task =
            () -> {
              start.await();
              return store.ingest(ingest);
            };
        futures.add(pool.submit(task));
      }
      start.countDown();
      List<InventoryStore.IngestResult> results = new ArrayList<>();
      for (var f : futures) {
        results.add(f.get(60, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
