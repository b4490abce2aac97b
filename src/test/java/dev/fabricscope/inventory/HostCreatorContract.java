package dev.fabricscope.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fabricscope.inventory.InventoryStore.HostQuery;
import dev.fabricscope.inventory.InventoryStore.Ingest;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A host's creator ({@code hosts.created_by}): written by the ingest that inserts the row, never by
 * a later one; filtered exactly; and an admin's bulk delete by creator, a bounded batch at a time.
 */
abstract class HostCreatorContract extends InventoryStoreSetup {

  static final Instant T0 = Instant.parse("2026-12-08T04:00:00Z");

  static Ingest by(String host, String hash, int second, String createdBy) {
    Ingest r = InventoryStoreContract.report(host, hash, T0.plusSeconds(second));
    return new Ingest(
        r.hostName(),
        r.reportJson(),
        r.contentHash(),
        r.summary(),
        true,
        r.labels(),
        r.receivedAt(),
        false,
        createdBy);
  }

  private String createdBy(String host) {
    return store.host(host).orElseThrow().createdBy();
  }

  @Test
  void theFirstWriterIsKeptWhoeverWritesNext() {
    store.ingest(by("node-a", "a1", 0, "agent:node-a-token"));
    assertEquals("agent:node-a-token", createdBy("node-a"));
    // changed content, the same content, no creator: none of them rewrites it
    store.ingest(by("node-a", "a2", 1, "token:someone-else"));
    store.ingest(by("node-a", "a2", 2, "person:alice"));
    store.ingest(InventoryStoreContract.report("node-a", "a3", T0.plusSeconds(3)));
    assertEquals("agent:node-a-token", createdBy("node-a"));
    assertEquals(
        "agent:node-a-token",
        store.hosts(new HostQuery(null, null, null, 0, 10)).items().get(0).createdBy());
    // the convenience constructors record no creator: not known
    store.ingest(InventoryStoreContract.report("node-b", "b1", T0));
    assertNull(createdBy("node-b"));
  }

  @Test
  void aCreatorOfTheLongestLengthInAnyScriptRoundTrips() {
    // 255 UTF-16 units, supplementary characters included: PostgreSQL counts code points, fewer
    String name = "person:" + "é日🚀".repeat(62);
    name = name.substring(0, 255);
    store.ingest(by("node-u", "u1", 0, name));
    assertEquals(name, createdBy("node-u"));
    String tooLong = "token:" + "x".repeat(250);
    assertThrows(IllegalArgumentException.class, () -> by("node-v", "v1", 0, tooLong));
  }

  @Test
  void theFilterMatchesExactly() {
    store.ingest(by("node-a", "a1", 0, "token:ops"));
    store.ingest(by("node-b", "b1", 0, "token:ops"));
    store.ingest(by("node-c", "c1", 0, "token:ops2"));
    store.ingest(by("node-d", "d1", 0, "agent:ops"));
    store.ingest(InventoryStoreContract.report("node-e", "e1", T0));
    assertEquals(List.of("node-a", "node-b"), names(query("token:ops")));
    assertEquals(List.of("node-c"), names(query("token:ops2")));
    // no pattern, no case folding, no prefix
    for (String other :
        List.of("token:%", "token:ops%", "TOKEN:OPS", "token:", "ops", "token:o_s")) {
      assertEquals(0, query(other).total(), other);
    }
    var both =
        store.hosts(new HostQuery("B", null, null, 0, 10, InventoryStore.Sort.NAME, "token:ops"));
    assertEquals(List.of("node-b"), both.items().stream().map(InventoryStore.Host::name).toList());
    assertEquals(5, store.hosts(new HostQuery(null, null, null, 0, 10)).total());
  }

  private InventoryStore.Page<InventoryStore.Host> query(String createdBy) {
    return store.hosts(
        new HostQuery(null, null, null, 0, 100, InventoryStore.Sort.NAME, createdBy));
  }

  private static List<String> names(InventoryStore.Page<InventoryStore.Host> page) {
    return page.items().stream().map(InventoryStore.Host::name).toList();
  }

  @Test
  void bulkDeletesTakeOneCreatorsHostsInBoundedBatches() throws SQLException {
    for (int i = 0; i < 5; i++) {
      store.ingest(by("flood-" + i, "f" + i, i, "token:flood"));
      store.ingest(by("flood-" + i, "g" + i, 10 + i, "token:flood")); // two snapshots each
    }
    store.ingest(by("kept-a", "k1", 0, "token:other"));
    store.ingest(by("kept-b", "k2", 0, null));
    // reported by the flooder after someone else made it: not the flooder's
    store.ingest(by("kept-c", "k3", 0, "agent:kept-c"));
    store.ingest(by("kept-c", "k4", 1, "token:flood"));
    capability("flood-0");
    capability("kept-a");

    List<List<String>> batches = new ArrayList<>();
    List<String> batch;
    do {
      batch = store.deleteHostsCreatedBy("token:flood", 2);
      batches.add(batch);
    } while (batch.size() == 2);
    assertEquals(
        List.of(List.of("flood-0", "flood-1"), List.of("flood-2", "flood-3"), List.of("flood-4")),
        batches);
    assertEquals(List.of(), store.deleteHostsCreatedBy("token:flood", 2));
    assertEquals(
        Map.of("hosts", 3L, "host_labels", 0L, "snapshots", 4L, "tokens", 0L), store.rowCounts());
    assertEquals(List.of("kept-a", "kept-b", "kept-c"), names(query(null)));
    assertEquals(List.of("kept-a"), capabilityHosts());
    assertThrows(IllegalArgumentException.class, () -> store.deleteHostsCreatedBy("x", 0));
    assertThrows(IllegalArgumentException.class, () -> store.deleteHostsCreatedBy(null, 1));
  }

  private void capability(String host) throws SQLException {
    try (var c = dataSource().getConnection();
        var ps =
            c.prepareStatement(
                "INSERT INTO agent_capabilities (host, capabilities, updated) VALUES (?, '[]', ?)")) {
      ps.setString(1, host);
      Jdbc.setInstant(ps, 2, T0);
      ps.executeUpdate();
    }
  }

  private List<String> capabilityHosts() throws SQLException {
    List<String> hosts = new ArrayList<>();
    try (var c = dataSource().getConnection();
        var ps = c.prepareStatement("SELECT host FROM agent_capabilities ORDER BY host");
        var rs = ps.executeQuery()) {
      while (rs.next()) {
        hosts.add(rs.getString(1));
      }
    }
    return hosts;
  }
}
