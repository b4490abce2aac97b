package dev.fabricscope.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fabricscope.inventory.InventoryStore.HostSummary;
import dev.fabricscope.inventory.InventoryStore.Ingest;
import dev.fabricscope.inventory.InventoryStore.IngestResult;
import dev.fabricscope.inventory.InventoryStore.Outcome;
import dev.fabricscope.inventory.InventoryStore.Retention;
import dev.fabricscope.inventory.InventoryStore.SnapshotMeta;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * History retention ({@link Retention}): a host keeps at most so many snapshots and stored bytes,
 * the oldest going first and the latest never. Stored sizes are read from the database ({@code
 * OCTET_LENGTH}), not computed by the store's own code.
 */
abstract class SnapshotRetentionContract extends EmptiedDatabase {

  static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

  /** A report whose stored (gzip) size grows with {@code randomBytes}: random text hardly packs. */
  static Ingest report(String host, String hash, Instant at, int randomBytes, Random random) {
    byte[] noise = new byte[randomBytes];
    random.nextBytes(noise);
    String json =
        "{\"host\":\""
            + host
            + "\",\"hash\":\""
            + hash
            + "\",\"noise\":\""
            + Base64.getEncoder().encodeToString(noise)
            + "\"}";
    return new Ingest(
        host,
        json.getBytes(StandardCharsets.UTF_8),
        hash,
        new HostSummary("EPYC", 10, 0, 0, 0, 0, "agent"),
        false,
        null,
        at);
  }

  private final Random random = new Random(20261206);

  private IngestResult put(InventoryStore store, String host, int i, int size) {
    return store.ingest(report(host, "h" + i, T0.plusSeconds(i), size, random));
  }

  private static List<Long> ids(InventoryStore store, String host) {
    return store.snapshots(host).stream().map(SnapshotMeta::id).toList();
  }

  @Test
  void aHostKeepsItsNewestSnapshotsUpToTheCount() throws SQLException {
    var store = new JdbcInventoryStore(dataSource(), new Retention(3, Long.MAX_VALUE));
    List<IngestResult> results = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      results.add(put(store, "node-a", i, 100));
    }
    assertEquals(List.of(0, 0, 0, 1, 1), results.stream().map(IngestResult::pruned).toList());
    assertEquals(
        List.of(
            results.get(4).snapshotId(), results.get(3).snapshotId(), results.get(2).snapshotId()),
        ids(store, "node-a"));
    assertEquals(
        results.get(4).snapshotId(), store.host("node-a").orElseThrow().latestSnapshotId());
    assertEquals(3, stored("node-a").count());
  }

  @Test
  void unchangedReportsPruneNothingAndOtherHostsAreLeftAlone() {
    var store = new JdbcInventoryStore(dataSource(), new Retention(2, Long.MAX_VALUE));
    var other = put(store, "node-b", 0, 100);
    put(store, "node-b", 1, 100);
    put(store, "node-a", 0, 100);
    put(store, "node-a", 1, 100);
    var again = store.ingest(report("node-a", "h1", T0.plusSeconds(9), 100, random));
    assertEquals(Outcome.UNCHANGED, again.outcome());
    assertEquals(0, again.pruned());
    put(store, "node-a", 2, 100);
    assertEquals(2, ids(store, "node-a").size());
    assertEquals(other.snapshotId(), ids(store, "node-b").get(1));
  }

  @Test
  void bytesArePrunedOldestFirstAndTheLatestStaysWhenAloneTooLarge() throws SQLException {
    var store = new JdbcInventoryStore(dataSource(), new Retention(100, 3_000));
    for (int i = 0; i < 6; i++) {
      put(store, "node-a", i, 1_000); // about 1,050 bytes stored each
    }
    Stored s = stored("node-a");
    assertEquals(2, s.count());
    assertEquals(s.bytes(), s.rowBytes());
    var big = put(store, "node-a", 6, 10_000);
    assertEquals(List.of(big.snapshotId()), ids(store, "node-a"));
    assertEquals(2, big.pruned());
    assertEquals(1, stored("node-a").count());
  }

  @Test
  void theOldestByReceivedTimeGoesNotTheLowestId() {
    var store = new JdbcInventoryStore(dataSource(), new Retention(2, Long.MAX_VALUE));
    var late = store.ingest(report("node-a", "late", T0.plusSeconds(50), 10, random));
    var early = store.ingest(report("node-a", "early", T0.plusSeconds(10), 10, random));
    // The newest by time is "late", but the one just stored is kept whatever its time.
    var third = store.ingest(report("node-a", "third", T0.plusSeconds(5), 10, random));
    assertEquals(1, third.pruned());
    assertEquals(
        java.util.Set.of(late.snapshotId(), third.snapshotId()),
        java.util.Set.copyOf(ids(store, "node-a")));
    assertEquals(true, store.snapshot(early.snapshotId()).isEmpty());
  }

  @Test
  void limitsBelowOneAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Retention(0, 1));
    assertThrows(IllegalArgumentException.class, () -> new Retention(1, 0));
  }

  /**
   * Random hosts, sizes, times and limits against a plain model of the rule: after every ingest the
   * kept snapshots, the host's counters and the rows agree with the model.
   */
  @Test
  void generatedHistoriesKeepWhatTheRuleSays() throws SQLException {
    for (int round = 0; round < 6; round++) {
      TestDatabases.clear(dataSource());
      long maxCount = 1 + random.nextInt(6);
      long maxBytes = 600 + random.nextInt(4_000);
      var store = new JdbcInventoryStore(dataSource(), new Retention(maxCount, maxBytes));
      record Kept(long id, Instant at, long bytes) {}
      Map<String, List<Kept>> model = new HashMap<>();
      for (int i = 0; i < 40; i++) {
        String host = "node-" + random.nextInt(3);
        Instant at = T0.plusSeconds(random.nextInt(30));
        var r = store.ingest(report(host, "h" + i, at, random.nextInt(2_000), random));
        List<Kept> kept = model.computeIfAbsent(host, h -> new ArrayList<>());
        kept.add(new Kept(r.snapshotId(), at, rowBytes(r.snapshotId())));
        List<Kept> old = new ArrayList<>(kept.subList(0, kept.size() - 1));
        old.sort(Comparator.comparing(Kept::at).thenComparing(Kept::id));
        int pruned = 0;
        while (!old.isEmpty()
            && (kept.size() > maxCount || kept.stream().mapToLong(Kept::bytes).sum() > maxBytes)) {
          kept.remove(old.remove(0));
          pruned++;
        }
        String what = "round " + round + " ingest " + i + " limits " + maxCount + "/" + maxBytes;
        assertEquals(pruned, r.pruned(), what);
        assertEquals(
            kept.stream().map(Kept::id).sorted().toList(),
            ids(store, host).stream().sorted().toList(),
            what);
        Stored s = stored(host);
        assertEquals(kept.size(), s.count(), what);
        assertEquals(s.rowBytes(), s.bytes(), what);
      }
    }
  }

  /** A host's counters as its row has them, and the byte sum of its snapshot rows. */
  record Stored(long count, long bytes, long rowBytes) {}

  Stored stored(String host) throws SQLException {
    try (var c = dataSource().getConnection();
        var ps =
            c.prepareStatement(
                "SELECT h.snapshot_count, h.snapshot_bytes,"
                    + " (SELECT COALESCE(SUM(OCTET_LENGTH(s.report)), 0) FROM snapshots s"
                    + " WHERE s.host_id = h.id) FROM hosts h WHERE h.name = ?")) {
      ps.setString(1, host);
      try (var rs = ps.executeQuery()) {
        rs.next();
        return new Stored(rs.getLong(1), rs.getLong(2), rs.getLong(3));
      }
    }
  }

  long rowBytes(long snapshotId) throws SQLException {
    try (var c = dataSource().getConnection();
        var ps = c.prepareStatement("SELECT OCTET_LENGTH(report) FROM snapshots WHERE id = ?")) {
      ps.setLong(1, snapshotId);
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
