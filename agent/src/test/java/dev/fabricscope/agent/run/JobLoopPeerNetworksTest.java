package dev.fabricscope.agent.run;

import static dev.fabricscope.agent.run.JobLoopTest.MEMCPY;
import static dev.fabricscope.agent.run.JobLoopTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.agent.bandwidth.PeerNetworks;
import dev.fabricscope.agent.bandwidth.PeerNetworks.Cidr;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A server that sends this agent's run side to a public address (eighth review, finding 4): the
 * assignment is refused with an error event, nothing is started, and the next poll waits the loop's
 * refusal backoff. The agent's networks here: 203.0.113.0/24 listed, 198.51.100.0/24 on-link.
 */
class JobLoopPeerNetworksTest {

  FakeJobServer server;
  RecordingHelper helper;
  JobLoop loop;
  Thread thread;
  ByteArrayOutputStream logBytes = new ByteArrayOutputStream();

  @BeforeEach
  void start() throws Exception {
    server = new FakeJobServer();
    helper = new RecordingHelper();
    PeerNetworks networks =
        new PeerNetworks(
            List.of(Cidr.parse("203.0.113.0/24")), () -> List.of(Cidr.parse("198.51.100.0/24")));
    loop =
        server.loopFor(
            helper,
            new Backoff(Duration.ofSeconds(1), JobLoop.MAX_RETRY),
            new AgentLog(new PrintStream(logBytes, true, StandardCharsets.UTF_8)),
            networks);
    thread = new Thread(loop::run, "job-loop-peer-networks-test");
  }

  @AfterEach
  void stop() throws Exception {
    loop.stop();
    thread.join(5000);
    server.close();
  }

  /** A tcp run side of job {@code id} to {@code address}, its target and its listener's. */
  static String tcp(long id, String address) {
    return MEMCPY
        .replace("\"jobId\":1", "\"jobId\":" + id)
        .replace("host-memcpy", "tcp")
        .replace("\"numa:0\"", "\"addr:10.0.0.1\"")
        .replace("\"numa:1\"", "\"addr:" + address + "\"")
        .replace("\"threads\":2", "\"threads\":1")
        .replace("\"peer\":null", "\"peer\":{\"address\":\"" + address + "\",\"port\":5201}");
  }

  @Test
  void aPublicPeerStartsNothingAndTheNextPollWaits() throws Exception {
    server.assignments.add(tcp(1, "8.8.8.8"));
    server.assignments.add(tcp(2, "10.0.0.2"));
    thread.start();
    waitFor(() -> helper.calls.size() == 1);
    assertEquals(1, server.eventsOf(1).size());
    String why = server.eventsOf(1).get(0).body().get("message").asText();
    assertTrue(why.startsWith("assignment refused: peer.address: 8.8.8.8 is in no private"), why);
    assertEquals("error", server.eventsOf(1).get(0).type());
    assertEquals("10.0.0.2", helper.calls.get(0).peer().address(), "only the private peer ran");
    long gap = (server.pollTimes.get(1) - server.pollTimes.get(0)) / 1_000_000;
    assertTrue(gap >= 900, "polled again " + gap + " ms after the refusal");
  }

  @Test
  void publicIpv6AndMappedPeersStartNothingListedAndOnLinkOnesRun() throws Exception {
    server.assignments.add(tcp(1, "2001:4860:4860::8888"));
    server.assignments.add(tcp(2, "::ffff:808:404"));
    server.assignments.add(tcp(3, "203.0.113.9"));
    server.assignments.add(tcp(4, "198.51.100.7"));
    thread.start();
    waitFor(() -> helper.calls.size() == 2);
    assertEquals(1, server.eventsOf(1).size());
    assertEquals(1, server.eventsOf(2).size());
    for (long id : new long[] {1, 2}) {
      assertTrue(
          server
              .eventsOf(id)
              .get(0)
              .body()
              .get("message")
              .asText()
              .contains("in no --peer-networks"));
    }
    assertEquals(
        List.of("203.0.113.9", "198.51.100.7"),
        helper.calls.stream().map(c -> c.peer().address()).toList());
  }
}
