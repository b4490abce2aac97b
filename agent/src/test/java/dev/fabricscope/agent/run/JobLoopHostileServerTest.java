package dev.fabricscope.agent.run;

import static dev.fabricscope.agent.run.JobLoopTest.MEMCPY;
import static dev.fabricscope.agent.run.JobLoopTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.agent.bandwidth.PeerNetworks;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The job loop against a server that means harm (the agent review): a problem detail that would
 * forge a log line, an answer too large to hold, and peers that would point a test's client at this
 * host's own services or the cloud metadata service. None crashes the loop or starts a helper.
 */
class JobLoopHostileServerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TCP =
      MEMCPY
          .replace("host-memcpy", "tcp")
          .replace("\"numa:0\"", "\"addr:10.0.0.1\"")
          .replace("\"threads\":2", "\"threads\":1");

  FakeJobServer server;
  RecordingHelper helper;
  JobLoop loop;
  Thread thread;
  ByteArrayOutputStream logBytes = new ByteArrayOutputStream();

  @BeforeEach
  void start() throws Exception {
    server = new FakeJobServer();
    helper = new RecordingHelper();
    loop =
        server.loopFor(
            helper,
            new Backoff(Duration.ofMillis(10), Duration.ofMillis(50)),
            new AgentLog(new PrintStream(logBytes, true, StandardCharsets.UTF_8)),
            PeerNetworks.local(List.of()));
    thread = new Thread(loop::run, "job-loop-hostile-test");
    thread.start();
  }

  @AfterEach
  void stop() throws Exception {
    loop.stop();
    thread.join(5000);
    server.close();
  }

  private String log() {
    return logBytes.toString(StandardCharsets.UTF_8);
  }

  /** The review's repro: a 500 whose detail holds a line feed and a forged log line. */
  @Test
  void aPollProblemThatWouldForgeALogLineIsLoggedOnOneLine() throws Exception {
    String detail = "boom\n2026-01-01T00:00:00.000Z job 1 result status=200 FORGED LINE\r\nsecond";
    byte[] body =
        JSON.createObjectNode().put("detail", detail).toString().getBytes(StandardCharsets.UTF_8);
    server.rawPolls.add(Map.entry(500, body));
    waitFor(() -> log().contains("FORGED"));
    List<String> lines = log().lines().toList();
    assertEquals(0, lines.stream().filter(l -> l.startsWith("2026-01-01")).count(), log());
    String poll = lines.stream().filter(l -> l.contains("FORGED")).findFirst().orElseThrow();
    assertTrue(poll.contains(" jobs: poll status=500 : boom\\x0a2026-01-01T00:00:00.000Z"), poll);
    assertTrue(poll.contains("FORGED LINE\\x0d\\x0asecond retry-in="), poll);
  }

  /**
   * A 429 on the poll (the host's poll places taken, e.g. by the poll a reconnect left behind): the
   * loop waits what Retry-After asks, far beyond its own backoff here, then polls again and runs
   * what it gets.
   */
  @Test
  void aRefusedPollWaitsItsRetryAfterThenPollsAgain() throws Exception {
    server.retryAfter = "1";
    byte[] body =
        "{\"status\":429,\"title\":\"Too many requests\"}".getBytes(StandardCharsets.UTF_8);
    server.rawPolls.add(Map.entry(429, body));
    waitFor(() -> log().contains("status=429"));
    // the loop pauses after logging: the last poll so far is the refused one
    int refused = server.pollTimes.size() - 1;
    waitFor(() -> server.pollTimes.size() > refused + 1);
    long gapMillis =
        (server.pollTimes.get(refused + 1) - server.pollTimes.get(refused)) / 1_000_000;
    assertTrue(gapMillis >= 900, "polled again after " + gapMillis + " ms");
    server.assignments.add(MEMCPY);
    waitFor(() -> helper.calls.size() == 1);
    assertTrue(thread.isAlive());
  }

  /** An assignment too large to hold is refused; the agent lives and takes the next one. */
  @Test
  void anOversizedPollAnswerIsRefusedAndTheLoopGoesOn() throws Exception {
    byte[] huge = new byte[BoundedAnswer.MAX_BYTES * 3];
    Arrays.fill(huge, (byte) ' ');
    server.rawPolls.add(Map.entry(200, huge));
    waitFor(() -> log().contains("larger than 1048576 bytes: refused"));
    server.assignments.add(MEMCPY);
    waitFor(() -> helper.calls.size() == 1);
    assertTrue(thread.isAlive());
  }

  @Test
  void aPeerThatStaysOnThisHostOrIsNoListenersStartsNoProcess() throws Exception {
    String[][] peers = { // target address, peer address, peer port
      {"127.0.0.1", "127.0.0.1", "5201"},
      {"0.0.0.0", "0.0.0.0", "5201"},
      {"169.254.169.254", "169.254.169.254", "5201"},
      {"224.0.0.1", "224.0.0.1", "5201"},
      {"255.255.255.255", "255.255.255.255", "5201"},
      {"::1", "::1", "5201"},
      {"::ffff:7f00:1", "::ffff:7f00:1", "5201"},
      {"10.0.0.2", "10.0.0.2", "22"},
      {"10.0.0.2", "10.0.0.2", "0"},
      {"10.0.0.2", "10.0.0.3", "5201"},
    };
    long id = 400;
    for (String[] p : peers) {
      server.assignments.add(run(++id, p[0], p[1], Integer.parseInt(p[2])));
    }
    waitFor(() -> server.events.size() >= peers.length);
    Thread.sleep(300);
    assertEquals(List.of(), helper.calls, "no helper was called, so no process started");
    for (FakeJobServer.Event e : server.events) {
      assertEquals("error", e.type());
      assertTrue(e.body().get("message").asText().startsWith("assignment refused: peer."));
    }
    server.assignments.add(run(500, "10.0.0.2", "10.0.0.2", 5201));
    waitFor(() -> helper.calls.size() == 1);
    assertEquals("10.0.0.2", helper.calls.get(0).peer().address());
  }

  /** Both sides on this host: the run side may meet its own listener on loopback, nothing else. */
  @Test
  void aTestBetweenTwoPortsOfThisHostMeetsItsOwnListenerOnLoopback() throws Exception {
    server.assignments.add(
        TCP.replace("\"jobId\":1", "\"jobId\":7")
            .replace("\"role\":\"run\"", "\"role\":\"listen\"")
            .replace("\"numa:1\"", "\"addr:127.0.0.1\""));
    waitFor(() -> server.eventsOf(7).stream().anyMatch(e -> e.type().equals("listening")));
    server.assignments.add(run(7, "127.0.0.1", "127.0.0.1", 5202)); // not where it listens
    server.assignments.add(run(8, "127.0.0.1", "127.0.0.1", 5201)); // another job's listener
    waitFor(() -> server.eventsOf(8).size() == 1);
    assertEquals(1, helper.calls.size(), "the listener only");
    server.assignments.add(run(7, "127.0.0.1", "127.0.0.1", 5201));
    waitFor(() -> helper.calls.size() == 2);
    assertEquals("run", helper.calls.get(1).what());
    assertEquals(5201, helper.calls.get(1).peer().port());
  }

  private static String run(long id, String target, String address, int port) {
    return TCP.replace("\"jobId\":1", "\"jobId\":" + id)
        .replace("\"numa:1\"", "\"addr:" + target + "\"")
        .replace(
            "\"peer\":null", "\"peer\":{\"address\":\"" + address + "\",\"port\":" + port + "}");
  }
}
