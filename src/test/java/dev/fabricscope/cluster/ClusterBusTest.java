package dev.fabricscope.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.events.HostEvents.BandwidthChanged;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Notice payloads: what another replica reads back, within PostgreSQL's 8000-byte limit. */
class ClusterBusTest {

  static BandwidthChanged event(String host, String message) {
    return new BandwidthChanged(
        "bandwidth",
        host,
        7,
        "tcp",
        "running",
        "progress",
        "a",
        "addr:10.0.0.1",
        "b",
        "addr:10.0.0.2",
        null,
        null,
        null,
        message);
  }

  @Test
  void aNoticeReadsBackAsSent() throws Exception {
    var sent =
        new ClusterBus.Envelope(
            "replica-1",
            null,
            new ClusterNotice.JobChanged(
                List.of(event("a", "2 of 3"), event("b", "2 of 3")), List.of("a", "b")),
            null);
    var back = new ObjectMapper().readValue(ClusterBus.payload(sent), ClusterBus.Envelope.class);
    assertEquals(sent, back);
  }

  @Test
  void aSessionNoticeReadsBackAsSent() throws Exception {
    var sent =
        new ClusterBus.Envelope(
            "replica-2", null, null, new ClusterNotice.SessionEnded("sid:abc", 1_900_000_000L));
    var back = new ObjectMapper().readValue(ClusterBus.payload(sent), ClusterBus.Envelope.class);
    assertEquals(sent, back);
  }

  @Test
  void progressMessagesAreDroppedRatherThanExceedingTheLimit() throws Exception {
    // 3,000 two-byte characters per message: 12,000 bytes for the two events
    String longMessage = "é".repeat(3000);
    var sent =
        new ClusterBus.Envelope(
            "replica-1",
            null,
            new ClusterNotice.JobChanged(
                List.of(event("a", longMessage), event("b", longMessage)), List.of("a", "b")),
            null);
    String payload = ClusterBus.payload(sent);
    assertTrue(payload.getBytes(StandardCharsets.UTF_8).length < 8000, "under NOTIFY's limit");
    var back = new ObjectMapper().readValue(payload, ClusterBus.Envelope.class);
    assertEquals(2, back.job().events().size());
    assertNull(back.job().events().get(0).message());
    assertEquals("running", back.job().events().get(1).state());
    assertEquals(List.of("a", "b"), back.job().wake());
  }
}
