package dev.fabricscope.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.inventory.InventoryStore.HostQuery;
import dev.fabricscope.inventory.InventoryStore.HostSummary;
import dev.fabricscope.inventory.InventoryStore.Ingest;
import dev.fabricscope.inventory.InventoryStore.Outcome;
import dev.fabricscope.inventory.InventoryStore.SnapshotMeta;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What every {@link InventoryStore} must do. Subclasses give a migrated database; each test starts
 * with empty tables, so counts are absolute.
 */
abstract class InventoryStoreContract extends InventoryStoreSetup {

  static final Instant T0 = Instant.parse("2026-11-24T10:00:00.123456Z");

  static Ingest report(String host, String hash, Instant at) {
    return report(host, hash, at, 0, null);
  }

  static Ingest report(String host, String hash, Instant at, int gpus, Map<String, String> labels) {
    String json =
        "{\"host\":\"" + host + "\",\"hash\":\"" + hash + "\",\"pad\":\"" + "x".repeat(500) + "\"}";
    var summary = new HostSummary("EPYC 9654", 120, gpus, 2, 1, 4, "agent");
    return new Ingest(
        host, json.getBytes(StandardCharsets.UTF_8), hash, summary, false, labels, at);
  }

  @Test
  void newHostIsCreated() {
    var result = store.ingest(report("node-a", "h1", T0));
    assertEquals(Outcome.CREATED, result.outcome());
    var host = store.host("node-a").orElseThrow();
    assertEquals(result.hostId(), host.id());
    assertEquals(result.snapshotId(), host.latestSnapshotId());
    assertEquals(T0, host.firstSeen());
    assertEquals(T0, host.lastSeen());
    assertEquals(new HostSummary("EPYC 9654", 120, 0, 2, 1, 4, "agent"), host.summary());
    assertFalse(host.imported());
    assertEquals(Optional.of("h1"), store.latestHash("node-a"));
    assertTrue(store.snapshotJson(result.snapshotId()).orElseThrow().contains("\"hash\":\"h1\""));
    assertEquals(
        Map.of("hosts", 1L, "host_labels", 0L, "snapshots", 1L, "tokens", 0L), store.rowCounts());
  }

  /** A deleted host takes its snapshots and labels; its next report makes it again. */
  @Test
  void aDeletedHostGoesWithItsSnapshotsAndComesBackWithItsNextReport() {
    store.ingest(report("node-a", "h1", T0, 0, Map.of("rack", "a1")));
    var s2 = store.ingest(report("node-a", "h2", T0.plusSeconds(60)));
    store.ingest(report("node-b", "h1", T0));
    assertTrue(store.deleteHost("node-a"));
    assertFalse(store.deleteHost("node-a"));
    assertFalse(store.deleteHost("no-such-host"));
    assertTrue(store.host("node-a").isEmpty());
    assertTrue(store.snapshotJson(s2.snapshotId()).isEmpty());
    assertEquals(
        Map.of("hosts", 1L, "host_labels", 0L, "snapshots", 1L, "tokens", 0L), store.rowCounts());
    assertEquals(
        java.util.Set.of("node-b"), java.util.Set.copyOf(store.latestSnapshotIds().keySet()));
    assertFalse(store.touch("node-a", "h2", T0.plusSeconds(90)), "no row to touch");
    var again = store.ingest(report("node-a", "h2", T0.plusSeconds(120)));
    assertEquals(Outcome.CREATED, again.outcome());
    assertEquals(T0.plusSeconds(120), store.host("node-a").orElseThrow().firstSeen());
  }

  @Test
  void sameHashOnlyMovesLastSeen() {
    var first = store.ingest(report("node-a", "h1", T0));
    var again = store.ingest(report("node-a", "h1", T0.plusSeconds(60)));
    assertEquals(Outcome.UNCHANGED, again.outcome());
    assertEquals(first.snapshotId(), again.snapshotId());
    var host = store.host("node-a").orElseThrow();
    assertEquals(T0, host.firstSeen());
    assertEquals(T0.plusSeconds(60), host.lastSeen());
    assertEquals(1L, store.rowCounts().get("snapshots"));
  }

  @Test
  void changedHashAddsSnapshotNewestFirst() {
    var s1 = store.ingest(report("node-a", "h1", T0));
    var s2 = store.ingest(report("node-a", "h2", T0.plusSeconds(60)));
    var s3 = store.ingest(report("node-a", "h3", T0.plusSeconds(120)));
    assertEquals(Outcome.CREATED, s2.outcome());
    assertEquals(s1.hostId(), s3.hostId());
    List<SnapshotMeta> history = store.snapshots("node-a");
    assertEquals(
        List.of(s3.snapshotId(), s2.snapshotId(), s1.snapshotId()),
        history.stream().map(SnapshotMeta::id).toList());
    assertEquals("h3", history.get(0).contentHash());
    assertEquals(T0.plusSeconds(120), history.get(0).receivedAt());
    assertEquals(s3.snapshotId(), store.host("node-a").orElseThrow().latestSnapshotId());
    assertEquals(Optional.of("h3"), store.latestHash("node-a"));
    assertEquals(s2.snapshotId(), store.snapshot(s2.snapshotId()).orElseThrow().id());
    assertTrue(store.snapshot(-1).isEmpty());
    assertTrue(store.snapshotJson(-1).isEmpty());
    assertTrue(store.snapshots("nobody").isEmpty());
  }

  @Test
  void snapshotPagesFollowTheFullListAndStopAtOtherHosts() {
    var s1 = store.ingest(report("node-p", "h1", T0));
    var s2 = store.ingest(report("node-p", "h2", T0.plusSeconds(60)));
    var s3 = store.ingest(report("node-p", "h3", T0.plusSeconds(60))); // same time: by id
    var other = store.ingest(report("node-q", "h1", T0));
    assertEquals(
        List.of(s3.snapshotId(), s2.snapshotId()),
        store.snapshots("node-p", null, 2).stream().map(SnapshotMeta::id).toList());
    assertEquals(
        List.of(s1.snapshotId()),
        store.snapshots("node-p", s2.snapshotId(), 2).stream().map(SnapshotMeta::id).toList());
    assertTrue(store.snapshots("node-p", s1.snapshotId(), 5).isEmpty());
    assertTrue(store.snapshots("node-p", other.snapshotId(), 5).isEmpty());
    assertTrue(store.snapshots("nobody", null, 5).isEmpty());
  }

  /** Pages of every size, over times with ties and out of id order, add up to the full list. */
  @Test
  void generatedSnapshotPagesAddUpToTheFullList() {
    java.util.Random random = new java.util.Random(20261206);
    for (int i = 0; i < 60; i++) {
      store.ingest(report("node-g", "h" + i, T0.plusSeconds(random.nextInt(20))));
    }
    List<SnapshotMeta> all = store.snapshots("node-g");
    assertEquals(60, all.size());
    for (int limit = 1; limit <= 61; limit += 1 + random.nextInt(7)) {
      List<SnapshotMeta> paged = new java.util.ArrayList<>();
      Long before = null;
      while (true) {
        List<SnapshotMeta> page = store.snapshots("node-g", before, limit);
        paged.addAll(page);
        if (page.size() < limit) {
          break;
        }
        before = page.get(page.size() - 1).id();
      }
      assertEquals(all, paged, "pages of " + limit);
    }
  }

  @Test
  void snapshotAtPicksTheOneInForce() {
    var s1 = store.ingest(report("node-a", "h1", T0));
    var s2 = store.ingest(report("node-a", "h2", T0.plusSeconds(60)));
    assertTrue(store.snapshotAt("node-a", T0.minusNanos(1000)).isEmpty());
    assertEquals(s1.snapshotId(), store.snapshotAt("node-a", T0).orElseThrow().id());
    assertEquals(
        s1.snapshotId(), store.snapshotAt("node-a", T0.plusSeconds(59)).orElseThrow().id());
    assertEquals(
        s2.snapshotId(), store.snapshotAt("node-a", T0.plusSeconds(60)).orElseThrow().id());
    assertEquals(
        s2.snapshotId(), store.snapshotAt("node-a", T0.plusSeconds(9999)).orElseThrow().id());
    assertTrue(store.snapshotAt("other", T0).isEmpty());
  }

  @Test
  void touchMovesLastSeenOnlyForTheLatestHash() {
    store.ingest(report("node-a", "h1", T0));
    assertTrue(store.touch("node-a", "h1", T0.plusSeconds(30)));
    assertEquals(T0.plusSeconds(30), store.host("node-a").orElseThrow().lastSeen());
    assertFalse(store.touch("node-a", "h0", T0.plusSeconds(40)));
    assertFalse(store.touch("nobody", "h1", T0.plusSeconds(40)));
    // Never backwards.
    assertTrue(store.touch("node-a", "h1", T0));
    assertEquals(T0.plusSeconds(30), store.host("node-a").orElseThrow().lastSeen());
    assertEquals(1L, store.rowCounts().get("snapshots"));
  }

  @Test
  void labelsAreReplacedWhenGivenAndKeptWhenNull() {
    store.ingest(report("node-a", "h1", T0, 0, Map.of("rack", "r1", "zone", "a")));
    assertEquals(Map.of("rack", "r1", "zone", "a"), store.host("node-a").orElseThrow().labels());
    store.ingest(report("node-a", "h1", T0.plusSeconds(1), 0, null));
    assertEquals(Map.of("rack", "r1", "zone", "a"), store.host("node-a").orElseThrow().labels());
    store.ingest(report("node-a", "h2", T0.plusSeconds(2), 0, Map.of("rack", "r2")));
    assertEquals(Map.of("rack", "r2"), store.host("node-a").orElseThrow().labels());
    assertEquals(1L, store.rowCounts().get("host_labels"));
  }

  @Test
  void importedStaysTrueUntilAnAgentReports() {
    var imported = report("node-i", "h1", T0);
    imported =
        new Ingest(
            imported.hostName(), imported.reportJson(), "h1", imported.summary(), true, null, T0);
    store.ingest(imported);
    assertTrue(store.host("node-i").orElseThrow().imported());
    assertTrue(store.snapshots("node-i").get(0).imported());
    store.ingest(report("node-i", "h2", T0.plusSeconds(1)));
    assertFalse(store.host("node-i").orElseThrow().imported());
  }

  @Test
  void hostsFilterSortAndPage() {
    for (int i = 0; i < 25; i++) {
      String name = String.format("Node-%02d", i);
      store.ingest(
          report(
              name,
              "h" + i,
              T0,
              i % 5 == 0 ? 8 : 0,
              Map.of("rack", "r" + (i % 3), "role", i < 10 ? "train" : "serve")));
    }
    store.ingest(report("gpu_box%1", "x", T0, 4, Map.of()));

    var all = store.hosts(new HostQuery(null, null, null, null, null));
    assertEquals(26, all.total());
    // Order across "Node-" and "gpu_box" depends on the collation (byte order vs en_US): only
    // names that sort the same everywhere are compared below.
    assertEquals(26, all.items().size());

    var page = store.hosts(new HostQuery("node-", null, null, 10, 10));
    assertEquals(25, page.total());
    assertEquals(10, page.offset());
    assertEquals(10, page.limit());
    assertEquals(
        List.of(
            "Node-10", "Node-11", "Node-12", "Node-13", "Node-14", "Node-15", "Node-16", "Node-17",
            "Node-18", "Node-19"),
        page.items().stream().map(h -> h.name()).toList());
    var last = store.hosts(new HostQuery("NODE", null, null, 20, 10));
    assertEquals(5, last.items().size());
    assertTrue(store.hosts(new HostQuery("node", null, null, 30, 10)).items().isEmpty());

    // LIKE wildcards in the filter are literal.
    assertEquals(1, store.hosts(new HostQuery("_box%", null, null, null, null)).total());
    assertEquals(0, store.hosts(new HostQuery("e_0", null, null, null, null)).total());

    var gpus = store.hosts(new HostQuery(null, null, true, null, null));
    assertEquals(6, gpus.total());
    assertEquals(20, store.hosts(new HostQuery(null, null, false, null, null)).total());

    var rack1 = store.hosts(new HostQuery(null, "rack=r1", null, null, null));
    assertEquals(8, rack1.total());
    assertTrue(rack1.items().stream().allMatch(h -> h.labels().get("rack").equals("r1")));
    assertEquals(25, store.hosts(new HostQuery(null, "role", null, null, null)).total());
    assertEquals(2, store.hosts(new HostQuery("node", "role=train", true, null, null)).total());
    assertEquals(0, store.hosts(new HostQuery(null, "rack=r9", null, null, null)).total());
  }

  @Test
  void hostsSortByGpusAndLastSeen() {
    store.ingest(report("sort-a", "h", T0, 2, null));
    store.ingest(report("sort-b", "h", T0.plusSeconds(60), 8, null));
    store.ingest(report("sort-c", "h", T0.plusSeconds(30), 8, null));
    var byGpus =
        store.hosts(new HostQuery("sort-", null, null, null, null, InventoryStore.Sort.GPUS_MOST));
    // most GPUs first, ties by name
    assertEquals(
        List.of("sort-b", "sort-c", "sort-a"), byGpus.items().stream().map(h -> h.name()).toList());
    var bySeen =
        store.hosts(
            new HostQuery("sort-", null, null, null, null, InventoryStore.Sort.LAST_SEEN_NEWEST));
    assertEquals(
        List.of("sort-b", "sort-c", "sort-a"), bySeen.items().stream().map(h -> h.name()).toList());
    var byName = store.hosts(new HostQuery("sort-", null, null, null, null));
    assertEquals(
        List.of("sort-a", "sort-b", "sort-c"), byName.items().stream().map(h -> h.name()).toList());
    assertThrows(IllegalArgumentException.class, () -> InventoryStore.Sort.parse("bogus"));
  }
}
