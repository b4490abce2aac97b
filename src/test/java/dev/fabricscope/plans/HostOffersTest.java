package dev.fabricscope.plans;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.events.HostEvents;
import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.BandwidthClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The replica that stores a snapshot plans its host's offer from the report it parsed at ingest (in
 * the background): the snapshot event that follows reads nothing again (the backlog of re-reads
 * after a mass import is what the first ranking waited for).
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostOffersTest {

  @Inject HostOffers offers;
  @Inject InventoryStore inventory;

  @Inject HostEvents events;

  /** Waits until the planner has handled more than {@code handled} events; false after 10 s. */
  boolean handledMoreThan(long handled) throws InterruptedException {
    long until = System.nanoTime() + 10_000_000_000L;
    while (offers.eventsHandled() <= handled && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    return offers.eventsHandled() > handled;
  }

  @Test
  @Order(2) // its flood's reads would count in the other test's
  void aFloodOfSnapshotEventsDoesNotStopThePlannerAhead() throws Exception {
    // 20,000 events at once, as a mass import on another replica sends them (snapshots that do
    // not exist: each is a read that finds nothing); more than the planner takes in the meantime
    String host = BandwidthClient.hostName("offers-flood");
    for (int i = 0; i < 20_000; i++) {
      events.snapshotAdded(host, Long.MAX_VALUE - i, false);
    }
    long settled;
    do {
      settled = offers.eventsHandled();
      Thread.sleep(200);
    } while (offers.eventsHandled() != settled);
    // the planner still takes the next event
    events.snapshotAdded(host, 1L << 60, false);
    assertTrue(handledMoreThan(settled), "the planner no longer takes snapshot events");
  }

  @Test
  @Order(1)
  void anImportedSnapshotIsPlannedFromTheParsedReport() throws Exception {
    String operator = ApiClient.token(BandwidthClient.hostName("offers-op"), "operator", null);
    String host = BandwidthClient.hostName("offers-lassen");
    long handled = offers.eventsHandled();
    long reads = offers.eventReads();
    ApiClient.importFixture(operator, "hwloc-xml/llnl-lassen.xml", host);
    long snapshot = inventory.latestSnapshotIds().get(host);
    long until = System.nanoTime() + 10_000_000_000L;
    while (offers.plannedSnapshot(host) != snapshot && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertEquals(snapshot, offers.plannedSnapshot(host));
    // the import's snapshot event reaches the background planner, which finds it planned
    assertTrue(handledMoreThan(handled), "the snapshot event was not handled");
    assertEquals(reads, offers.eventReads());
  }
}
