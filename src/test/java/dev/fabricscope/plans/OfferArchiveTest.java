package dev.fabricscope.plans;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.inventory.OfferStore;
import dev.fabricscope.plan.HostOffer;
import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.BandwidthClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Offers kept in the database for the next start: a stored snapshot's offer is written under this
 * build's name, and a restart (the offers forgotten, the warm-up run again) reads it back instead
 * of planning the host from its report; another build's offers are dropped, never read.
 */
@QuarkusTest
class OfferArchiveTest {

  @Inject HostOffers offers;
  @Inject OfferArchive archive;
  @Inject OfferStore store;
  @Inject InventoryStore inventory;

  void awaitWritten() throws InterruptedException {
    long until = System.nanoTime() + 10_000_000_000L;
    while (archive.waiting() > 0 && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertEquals(0, archive.waiting(), "offers still waiting to be written");
  }

  /** Imports the fixture as {@code host} and waits (10 s at most) until its offer is planned. */
  private long importPlanned(String fixture, String host) throws Exception {
    String operator = ApiClient.token(BandwidthClient.hostName("archive-op"), "operator", null);
    ApiClient.importFixture(operator, fixture, host);
    long snapshot = inventory.latestSnapshotIds().get(host);
    long until = System.nanoTime() + 10_000_000_000L;
    while (offers.plannedSnapshot(host) != snapshot && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    return snapshot;
  }

  @Test
  void aRestartReadsTheOfferBackInsteadOfPlanningTheReport() throws Exception {
    String host = BandwidthClient.hostName("archive-lassen");
    long snapshot = importPlanned("hwloc-xml/llnl-lassen.xml", host);
    HostOffer planned = offers.kept(host);
    assertNotNull(planned);
    // Lassen: 4 GPUs, each paired with a NIC port
    assertEquals(4, planned.gpus().size());
    awaitWritten();
    List<OfferStore.Latest> stored =
        store.latest(archive.build()).stream().filter(l -> l.host().equals(host)).toList();
    assertEquals(1, stored.size());
    assertEquals(snapshot, stored.get(0).snapshotId());

    offers.forget();
    HostOffers.Warmed w = offers.warmUp();
    assertFalse(w.planned().contains(host), "planned from its report again: " + w.planned());
    assertTrue(w.readBack() >= 1);
    assertEquals(snapshot, offers.plannedSnapshot(host));
    assertEquals(planned, offers.kept(host));
  }

  @Test
  void anotherBuildsOffersAreNeverReadAndDroppedAtStart() throws Exception {
    String host = BandwidthClient.hostName("archive-dgx2");
    long snapshot = importPlanned("hwloc-xml/nvidiaDGX2.xml", host);
    awaitWritten();
    store.put("another-build", List.of(new OfferStore.Offer(snapshot, "{\"host\":\"x\"}")));
    assertEquals(
        1, store.latest("another-build").stream().filter(l -> l.host().equals(host)).count());
    offers.forget();
    offers.warmUp();
    assertEquals(0, store.latest("another-build").size());
    // this build's offer is still there, read back
    assertEquals(16, offers.kept(host).gpus().size());
    assertEquals(
        1, store.latest(archive.build()).stream().filter(l -> l.host().equals(host)).count());
  }
}
