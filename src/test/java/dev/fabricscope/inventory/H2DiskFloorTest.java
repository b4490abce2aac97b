package dev.fabricscope.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fabricscope.history.min-free-disk} in the store: with the floor above the volume's real
 * free space a new snapshot is refused and nothing is written, a visit of unchanged content still
 * counts, and in-memory H2 is not checked.
 */
class H2DiskFloorTest {

  @TempDir Path dir;

  @Test
  void belowTheFloorNoNewSnapshotIsStored() throws Exception {
    long free = Files.getFileStore(dir).getUsableSpace();
    try (var db = new Database(Database.h2FileUrl(dir), null, null, 2)) {
      var open = new JdbcInventoryStore(db.dataSource(), InventoryStore.Retention.NONE);
      var first = open.ingest(ingest("floor-host", "one"));
      var floored =
          new JdbcInventoryStore(
              db.dataSource(), InventoryStore.Retention.NONE, db.snapshotSpace(free + (1L << 40)));

      StoreFullException e =
          assertThrows(StoreFullException.class, () -> floored.ingest(ingest("floor-host", "two")));
      assertTrue(e.getMessage().contains("fabricscope.history.min-free-disk"), e.getMessage());
      assertThrows(StoreFullException.class, () -> floored.ingest(ingest("new-host", "one")));
      assertEquals(1, floored.snapshots("floor-host").size());
      assertTrue(floored.host("new-host").isEmpty());

      // same content: only last-seen moves, which needs no room for a snapshot
      var again = floored.ingest(ingest("floor-host", "one"));
      assertEquals(InventoryStore.Outcome.UNCHANGED, again.outcome());
      assertEquals(first.snapshotId(), again.snapshotId());

      // a floor of 0 is no floor
      var unfloored =
          new JdbcInventoryStore(
              db.dataSource(), InventoryStore.Retention.NONE, db.snapshotSpace(0));
      assertEquals(
          InventoryStore.Outcome.CREATED, unfloored.ingest(ingest("floor-host", "two")).outcome());
    }
  }

  /** New bandwidth tests are refused below the floor too (twelfth security review, finding 2). */
  @Test
  void belowTheFloorNoNewBandwidthTestIsQueued() throws Exception {
    long free = Files.getFileStore(dir).getUsableSpace();
    try (var db = new Database(Database.h2FileUrl(dir), null, null, 2)) {
      var floored =
          new JdbcBandwidthJobStore(
              db.dataSource(), JobRetention.DEFAULT, db.snapshotSpace(free + (1L << 40)));
      Instant now = Instant.now();
      var job =
          new BandwidthJobStore.NewJob(
              BandwidthJobStoreContract.memcpy(1), "floor-host", "floor-host", "op", now, now);
      StoreFullException e = assertThrows(StoreFullException.class, () -> floored.create(job));
      assertTrue(e.getMessage().contains("no new bandwidth tests are queued"), e.getMessage());
      assertEquals(0, floored.rowCount());
      var unfloored =
          new JdbcBandwidthJobStore(db.dataSource(), JobRetention.DEFAULT, db.snapshotSpace(0));
      unfloored.create(job);
      assertEquals(1, unfloored.rowCount());
    }
  }

  @Test
  void inMemoryH2IsNotChecked() {
    try (var db = new Database("jdbc:h2:mem:floor-none;DB_CLOSE_DELAY=-1", null, null, 2)) {
      var store =
          new JdbcInventoryStore(
              db.dataSource(), InventoryStore.Retention.NONE, db.snapshotSpace(Long.MAX_VALUE));
      assertEquals(InventoryStore.Outcome.CREATED, store.ingest(ingest("mem", "one")).outcome());
    }
  }

  static InventoryStore.Ingest ingest(String host, String content) {
    byte[] json = ("{\"content\":\"" + content + "\"}").getBytes(StandardCharsets.UTF_8);
    return new InventoryStore.Ingest(
        host, json, "hash-" + content, null, false, Map.of(), Instant.now());
  }
}
