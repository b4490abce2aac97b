package dev.fabricscope.bandwidth;

import static dev.fabricscope.testing.BandwidthClient.queue;
import static dev.fabricscope.testing.BandwidthClient.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.events.HostEvents;
import dev.fabricscope.inventory.BandwidthJobStore;
import dev.fabricscope.inventory.BandwidthJobStore.Job;
import dev.fabricscope.inventory.BandwidthJobStore.State;
import dev.fabricscope.testing.BandwidthClient;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The server's rehearsal of a test's path runs the POST, events and verdict code on a real host and
 * changes nothing: no job is stored or taken, a queued job of the same host stays as it was, and
 * nothing reaches the host's stream.
 */
@QuarkusTest
class JobPathRehearsalTest {

  @Inject JobPathRehearsal rehearsal;
  @Inject BandwidthJobStore store;
  @Inject HostEvents events;

  @Test
  void rehearsesOnAStoredHostAndChangesNothing() throws Exception {
    BandwidthClient.RigHost rig = BandwidthClient.rigHost("rh");
    String peer = BandwidthClient.hostName("rh-peer");
    BandwidthClient.addHost(rig.operator(), peer);
    long queued = queue(rig.operator(), tcp(rig.host(), peer));
    Job before = store.job(queued).orElseThrow();
    long rows = store.rowCount();
    List<HostEvents.Event> seen = new CopyOnWriteArrayList<>();
    Cancellable stream = events.of(rig.host()).subscribe().with(seen::add);
    try {
      rehearsal.rehearse(rig.host());
      rehearsal.rehearse(rig.host()); // twice: nothing accumulates either
    } finally {
      stream.cancel();
    }
    assertEquals(rows, store.rowCount(), "no job stored");
    assertTrue(store.job(0).isEmpty(), "job 0 never exists");
    Job after = store.job(queued).orElseThrow();
    assertEquals(State.QUEUED, after.state());
    assertNull(after.sourceTaken(), "not handed out");
    assertEquals(before, after);
    assertEquals(List.of(), seen, "nothing published to the host's stream");
  }
}
