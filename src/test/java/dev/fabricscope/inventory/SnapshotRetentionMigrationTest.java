package dev.fabricscope.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * V7 counts a database's existing history onto its host rows: a server upgraded over an old
 * database applies retention to what is already there, from its first new snapshot on.
 */
class SnapshotRetentionMigrationTest {

  @TempDir Path dir;

  @Test
  void existingSnapshotsAreCountedAndPrunedOnTheNextChange() throws SQLException {
    String url = Database.h2FileUrl(dir.resolve("old"));
    try (var db = new Database(url, null, null, 2)) {
      // Database migrates to the newest version on open: start again from V6 on a clean schema.
      Flyway flyway =
          Flyway.configure(Database.class.getClassLoader())
              .dataSource(db.dataSource())
              .locations("classpath:db/migration")
              .cleanDisabled(false)
              .load();
      flyway.clean();
      Flyway.configure(Database.class.getClassLoader())
          .dataSource(db.dataSource())
          .locations("classpath:db/migration")
          .target("6")
          .load()
          .migrate();
      try (Connection c = db.dataSource().getConnection();
          var s = c.createStatement()) {
        s.executeUpdate(
            "INSERT INTO hosts (id, name, first_seen, last_seen, imported, latest_snapshot_id,"
                + " latest_hash) VALUES (1, 'old-a', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, FALSE,"
                + " 13, 'h3'), (2, 'old-b', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, FALSE, NULL,"
                + " NULL)");
        s.executeUpdate(
            "INSERT INTO snapshots (id, host_id, received_at, content_hash, imported, report)"
                + " VALUES (11, 1, TIMESTAMP WITH TIME ZONE '2026-01-01 00:00:00+00', 'h1', FALSE,"
                + " X'0102030405'), (12, 1, TIMESTAMP WITH TIME ZONE '2026-01-02 00:00:00+00',"
                + " 'h2', FALSE, X'01020304050607'), (13, 1, TIMESTAMP WITH TIME ZONE"
                + " '2026-01-03 00:00:00+00', 'h3', FALSE, X'01')");
      }
      Database.migrate(db.dataSource());
      try (Connection c = db.dataSource().getConnection();
          var s = c.createStatement();
          var rs =
              s.executeQuery(
                  "SELECT name, snapshot_count, snapshot_bytes FROM hosts ORDER BY name")) {
        rs.next();
        assertEquals("old-a 3 13", rs.getString(1) + " " + rs.getLong(2) + " " + rs.getLong(3));
        rs.next();
        assertEquals("old-b 0 0", rs.getString(1) + " " + rs.getLong(2) + " " + rs.getLong(3));
      }
      var store =
          new JdbcInventoryStore(db.dataSource(), new InventoryStore.Retention(2, Long.MAX_VALUE));
      var r =
          store.ingest(
              InventoryStoreContract.report(
                  "old-a", "h4", java.time.Instant.parse("2026-01-04T00:00:00Z")));
      assertEquals(2, r.pruned());
      assertEquals(
          java.util.List.of(r.snapshotId(), 13L),
          store.snapshots("old-a").stream().map(InventoryStore.SnapshotMeta::id).toList());
    }
  }
}
