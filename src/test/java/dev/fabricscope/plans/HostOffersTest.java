package dev.fabricscope.plans;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.BandwidthClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * The replica that stores a snapshot plans its host's offer from the report it parsed at ingest:
 * the offer is there when the import answers, and the snapshot event that follows reads nothing
 * again (the backlog of re-reads after a mass import is what the first ranking waited for).
 */
@QuarkusTest
class HostOffersTest {

  @Inject HostOffers offers;
  @Inject InventoryStore inventory;

  @Test
  void anImportedSnapshotIsPlannedFromTheParsedReport() throws Exception {
    String operator = ApiClient.token(BandwidthClient.hostName("offers-op"), "operator", null);
    String host = BandwidthClient.hostName("offers-lassen");
    long handled = offers.eventsHandled();
    long reads = offers.eventReads();
    ApiClient.importFixture(operator, "hwloc-xml/llnl-lassen.xml", host);
    long snapshot = inventory.latestSnapshotIds().get(host);
    assertEquals(snapshot, offers.plannedSnapshot(host));
    // the import's snapshot event reaches the background planner, which finds it planned
    long until = System.nanoTime() + 10_000_000_000L;
    while (offers.eventsHandled() == handled && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertTrue(offers.eventsHandled() > handled, "the snapshot event was not handled");
    assertEquals(reads, offers.eventReads());
  }
}
