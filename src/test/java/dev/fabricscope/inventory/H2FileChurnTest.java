package dev.fabricscope.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tenth review's finding 2: an H2 file database opened as the server opens it ({@code
 * WRITE_DELAY=0}), two hosts sending ever-changing reports that do not pack, and history retention
 * pruning every round. Without {@link H2Housekeeping} the file grew by every byte written in H2's
 * 45 s retention time (here about 3 MB a round, 150 MB at the end against 4 MiB kept); with it the
 * file stays within a small multiple of the bytes kept, on every round.
 */
class H2FileChurnTest {

  private static final long KEPT_PER_HOST = 2L << 20;
  private static final int ROUNDS = 120;

  @TempDir Path dir;

  @Test
  void theFileStaysWithinAMultipleOfTheBytesKept() throws Exception {
    Random random = new Random(42);
    long largest = 0;
    long kept = 0;
    try (var db = new Database(Database.h2FileUrl(dir), null, null, 4)) {
      var store =
          new JdbcInventoryStore(
              db.dataSource(),
              new InventoryStore.Retention(Long.MAX_VALUE, KEPT_PER_HOST),
              db.snapshotSpace(0));
      Path file = dir.resolve("fabricscope.mv.db");
      for (int round = 1; round <= ROUNDS; round++) {
        byte[] json = unpackable(random, 512 << 10);
        var r =
            store.ingest(
                new InventoryStore.Ingest(
                    "churn-" + (round % 2),
                    json,
                    "hash-" + round,
                    null,
                    false,
                    Map.of(),
                    Instant.now()));
        assertEquals(InventoryStore.Outcome.CREATED, r.outcome());
        // the passes this round asked for; what a round leaves is then fixed, not timed
        db.housekeeping().awaitIdle();
        largest = Math.max(largest, Files.size(file));
      }
      kept = keptBytes(db.dataSource());
    }
    // 2 hosts, each keeping up to 2 MiB of its newest snapshots
    assertTrue(kept > KEPT_PER_HOST && kept <= 2 * KEPT_PER_HOST, "kept " + kept);
    long bound = 4 * kept + (8L << 20);
    assertTrue(
        largest <= bound,
        "the H2 file reached " + largest + " bytes, over 4 × " + kept + " kept + 8 MiB = " + bound);
  }

  @Test
  void housekeepingRunsOnlyForEmbeddedH2Files() {
    assertTrue(Database.h2FileFolder(Database.h2FileUrl(dir)).isPresent());
    assertEquals(
        Path.of("/var/lib/fs"), Database.h2FileFolder("jdbc:h2:/var/lib/fs/db;X=1").orElseThrow());
    assertFalse(Database.h2FileFolder("jdbc:h2:mem:x;DB_CLOSE_DELAY=-1").isPresent());
    assertFalse(Database.h2FileFolder("jdbc:h2:tcp://db:9092/x").isPresent());
    assertFalse(Database.h2FileFolder("jdbc:postgresql://db:5432/x").isPresent());
    try (var mem = new Database("jdbc:h2:mem:churn-none", null, null, 2)) {
      assertEquals(null, mem.housekeeping());
      assertEquals(SnapshotSpace.UNCHECKED, mem.snapshotSpace(Long.MAX_VALUE));
    }
  }

  /** A report-sized JSON of random base64: gzip leaves about 3/4 of it. */
  static byte[] unpackable(Random random, int rawBytes) {
    byte[] raw = new byte[rawBytes];
    random.nextBytes(raw);
    return ("{\"noise\":\"" + Base64.getEncoder().encodeToString(raw) + "\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static long keptBytes(DataSource ds) throws SQLException {
    try (Connection c = ds.getConnection();
        var s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT SUM(snapshot_bytes) FROM hosts")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
