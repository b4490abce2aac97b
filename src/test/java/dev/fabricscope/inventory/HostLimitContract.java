package dev.fabricscope.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.inventory.InventoryStore.Outcome;
import dev.fabricscope.inventory.InventoryStore.Retention;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code fabricscope.history.max-hosts}: a report of a new host past the limit is refused and
 * stores nothing; hosts already there keep reporting; a deleted host makes room. Host counts are
 * read from the database ({@code COUNT(*)}), not from the store's own bookkeeping.
 */
abstract class HostLimitContract extends EmptiedDatabase {

  static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

  private final Random random = new Random(20261207);

  private JdbcInventoryStore store(long maxHosts) {
    return new JdbcInventoryStore(dataSource(), Retention.NONE, SnapshotSpace.UNCHECKED, maxHosts);
  }

  private InventoryStore.Ingest report(String host, String hash, int i) {
    return SnapshotRetentionContract.report(host, hash, T0.plusSeconds(i), 16, random);
  }

  private long count(String table) throws SQLException {
    try (var c = dataSource().getConnection();
        var ps = c.prepareStatement("SELECT COUNT(*) FROM " + table);
        var rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void aNewHostPastTheLimitIsRefusedAndStoresNothing() throws SQLException {
    var store = store(2);
    assertEquals(Outcome.CREATED, store.ingest(report("node-a", "a1", 1)).outcome());
    assertEquals(Outcome.CREATED, store.ingest(report("node-b", "b1", 2)).outcome());
    long snapshots = count("snapshots");
    StoreFullException e =
        assertThrows(StoreFullException.class, () -> store.ingest(report("node-c", "c1", 3)));
    assertTrue(e.getMessage().contains("fabricscope.history.max-hosts (2)"), e.getMessage());
    assertEquals(2, count("hosts"));
    assertEquals(snapshots, count("snapshots"));
    assertTrue(store.host("node-c").isEmpty());

    // the hosts already there still report: changed and unchanged
    assertEquals(Outcome.CREATED, store.ingest(report("node-a", "a2", 4)).outcome());
    assertEquals(Outcome.UNCHANGED, store.ingest(report("node-b", "b1", 5)).outcome());

    // a deleted host makes room for a new one
    assertTrue(store.deleteHost("node-a"));
    assertEquals(Outcome.CREATED, store.ingest(report("node-c", "c1", 6)).outcome());
    assertEquals(2, count("hosts"));
  }

  @Test
  void aLimitBelowOneIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> store(0));
  }

  /** Random limits and random sequences of reports against a plain model of the rule. */
  @Test
  void generatedSequencesKeepAtMostTheLimit() throws SQLException {
    for (int round = 0; round < 8; round++) {
      TestDatabases.clear(dataSource());
      int max = 1 + random.nextInt(5);
      var store = store(max);
      Set<String> model = new HashSet<>();
      for (int i = 0; i < 30; i++) {
        String host = "h" + random.nextInt(9);
        if (!model.isEmpty() && random.nextInt(8) == 0) {
          String gone = model.iterator().next();
          assertTrue(store.deleteHost(gone));
          model.remove(gone);
          continue;
        }
        boolean fits = model.contains(host) || model.size() < max;
        if (fits) {
          store.ingest(report(host, host + "-" + i, i));
          model.add(host);
        } else {
          assertThrows(
              StoreFullException.class,
              () -> store.ingest(report(host, "x", 0)),
              "round " + round + ", step " + i);
        }
        assertEquals(model.size(), count("hosts"), "round " + round + ", step " + i);
      }
    }
  }
}
