package dev.fabricscope.inventory;

import static dev.fabricscope.inventory.InventoryStoreContract.report;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link OfferStore} must do, on H2 and on a real PostgreSQL. */
abstract class OfferStoreContract extends EmptiedDatabase {

  static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");

  InventoryStore inventory;
  OfferStore store;

  @BeforeEach
  void openStore() throws Exception {
    inventory = new JdbcInventoryStore(dataSource());
    store = new JdbcOfferStore(dataSource());
  }

  @Test
  void keepsOneOfferPerSnapshotAndBuildAndReadsTheLatestOnly() {
    long a1 = inventory.ingest(report("node-a", "a1", T0)).snapshotId();
    long b1 = inventory.ingest(report("node-b", "b1", T0)).snapshotId();
    store.put("build-1", List.of(new OfferStore.Offer(a1, "{\"a\":1}")));
    // again for the same snapshot and build: the first stays; a gone snapshot is skipped
    store.put(
        "build-1",
        List.of(
            new OfferStore.Offer(a1, "{\"a\":2}"),
            new OfferStore.Offer(b1, "{\"b\":1}"),
            new OfferStore.Offer(b1 + 1000, "{}")));
    store.put("build-2", List.of(new OfferStore.Offer(a1, "{\"a\":\"two\"}")));
    assertEquals(
        List.of(
            new OfferStore.Latest("node-a", a1, "{\"a\":1}"),
            new OfferStore.Latest("node-b", b1, "{\"b\":1}")),
        sorted(store.latest("build-1")));
    assertEquals(
        List.of(new OfferStore.Latest("node-a", a1, "{\"a\":\"two\"}")), store.latest("build-2"));
    // node-a reports anew: its old offer is no longer read
    long a2 = inventory.ingest(report("node-a", "a2", T0.plusSeconds(60))).snapshotId();
    assertEquals(
        List.of(new OfferStore.Latest("node-b", b1, "{\"b\":1}")), store.latest("build-1"));
    store.put("build-1", List.of(new OfferStore.Offer(a2, "{\"a\":3}")));
    // pruning for build 1 drops build 2's offer and node-a's older one: 2 rows
    assertEquals(2, store.prune("build-1"));
    assertEquals(List.of(), store.latest("build-2"));
    assertEquals(
        List.of(
            new OfferStore.Latest("node-a", a2, "{\"a\":3}"),
            new OfferStore.Latest("node-b", b1, "{\"b\":1}")),
        sorted(store.latest("build-1")));
    assertEquals(0, store.prune("build-1"));
  }

  static List<OfferStore.Latest> sorted(List<OfferStore.Latest> l) {
    return l.stream().sorted((x, y) -> x.host().compareTo(y.host())).toList();
  }
}
