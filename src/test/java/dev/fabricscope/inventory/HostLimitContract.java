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
    assertThrows(
        IllegalArgumentException.class,
        () -> new JdbcInventoryStore(dataSource(), Retention.NONE, SnapshotSpace.UNCHECKED, 5, 6));
  }

  /** {@code report} as an import, an admin's report (neither agent's own) or an agent's own. */
  private static InventoryStore.Ingest as(InventoryStore.Ingest r, boolean imported, boolean own) {
    return new InventoryStore.Ingest(
        r.hostName(),
        r.reportJson(),
        r.contentHash(),
        r.summary(),
        imported,
        r.labels(),
        r.receivedAt(),
        own);
  }

  /**
   * {@code fabricscope.history.agent-reserve} (eighteenth security review, finding 3: one
   * operator's imports filled max-hosts and newly enrolled agents got 507): of 5 hosts, 2 are kept
   * for agents' reports of their own hosts. Imports and admins' reports stop at 3, agents' reports
   * still add hosts up to 5, and past that agents are refused too.
   */
  @Test
  void importsLeaveTheAgentsReserve() throws SQLException {
    var store = new JdbcInventoryStore(dataSource(), Retention.NONE, SnapshotSpace.UNCHECKED, 5, 2);
    for (int i = 1; i <= 3; i++) {
      assertEquals(
          Outcome.CREATED, store.ingest(as(report("imp-" + i, "i" + i, i), true, false)).outcome());
    }
    StoreFullException imports =
        assertThrows(
            StoreFullException.class,
            () -> store.ingest(as(report("imp-4", "i4", 4), true, false)));
    assertTrue(imports.getMessage().contains("kept for agents"), imports.getMessage());
    assertTrue(imports.getMessage().contains("agent-reserve: 2"), imports.getMessage());
    assertThrows(
        StoreFullException.class, () -> store.ingest(as(report("adm-1", "a1", 5), false, false)));
    assertEquals(3, count("hosts"));

    // the hosts there still import
    assertEquals(
        Outcome.CREATED, store.ingest(as(report("imp-1", "i1b", 6), true, false)).outcome());
    // agents' first reports take the reserve
    assertEquals(
        Outcome.CREATED, store.ingest(as(report("agent-1", "g1", 7), false, true)).outcome());
    assertEquals(
        Outcome.CREATED, store.ingest(as(report("agent-2", "g2", 8), false, true)).outcome());
    StoreFullException agents =
        assertThrows(
            StoreFullException.class,
            () -> store.ingest(as(report("agent-3", "g3", 9), false, true)));
    assertTrue(
        agents.getMessage().contains("fabricscope.history.max-hosts (5)"), agents.getMessage());
    assertEquals(5, count("hosts"));
  }

  /** Random limits, reserves and sequences of imports, admins' and agents' reports, deletions. */
  @Test
  void generatedSequencesKeepTheAgentsReserve() throws SQLException {
    for (int round = 0; round < 10; round++) {
      TestDatabases.clear(dataSource());
      int max = 1 + random.nextInt(6);
      int reserve = random.nextInt(max + 1);
      var store =
          new JdbcInventoryStore(
              dataSource(), Retention.NONE, SnapshotSpace.UNCHECKED, max, reserve);
      Set<String> model = new HashSet<>();
      for (int i = 0; i < 40; i++) {
        String where = "round " + round + " (" + max + "/" + reserve + "), step " + i;
        String host = "h" + random.nextInt(10);
        if (!model.isEmpty() && random.nextInt(8) == 0) {
          String gone = model.iterator().next();
          assertTrue(store.deleteHost(gone));
          model.remove(gone);
          continue;
        }
        int kind = random.nextInt(3); // 0 import, 1 admin's report, 2 agent's own report
        boolean own = kind == 2;
        boolean fits = model.contains(host) || model.size() < (own ? max : max - reserve);
        var ingest = as(report(host, host + "-" + i, i), kind == 0, own);
        if (fits) {
          store.ingest(ingest);
          model.add(host);
        } else {
          assertThrows(StoreFullException.class, () -> store.ingest(ingest), where);
        }
        assertEquals(model.size(), count("hosts"), where);
      }
    }
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
