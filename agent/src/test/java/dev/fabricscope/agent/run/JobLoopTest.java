package dev.fabricscope.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fabricscope.agent.bandwidth.PeerNetworks;
import dev.fabricscope.bandwidth.BandwidthFlow;
import dev.fabricscope.bandwidth.BandwidthKind;
import dev.fabricscope.bandwidth.BandwidthSpec;
import dev.fabricscope.bandwidth.Endpoint;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The agent's job loop against a fake jobs API and a helper that records what it was asked. */
class JobLoopTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String MEMCPY =
      "{\"jobId\":1,\"role\":\"run\",\"kind\":\"host-memcpy\",\"source\":\"numa:0\","
          + "\"target\":\"numa:1\",\"bytes\":1048576,\"repetitions\":3,\"durationSeconds\":null,"
          + "\"threads\":2,\"pageable\":false,\"peer\":null,\"deadline\":\"2026-01-01T00:00:00Z\","
          + "\"timeoutSeconds\":60}";

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
            new AgentLog(new PrintStream(logBytes, true)),
            FakeJobServer.hostWith("10.0.0.2"));
    thread = new Thread(loop::run, "job-loop-test");
    thread.start();
  }

  @AfterEach
  void stop() throws Exception {
    loop.stop();
    thread.join(5000);
    server.close();
  }

  @Test
  void reportsItsHelpersWithTheirKindsAndRunsACheckedAssignment() throws Exception {
    waitFor(() -> !server.capabilities.isEmpty());
    JsonNode caps = JSON.readTree(server.capabilities.get(0));
    assertEquals("recording", caps.get(0).get("name").asText());
    assertEquals("host-memcpy", caps.get(0).get("kinds").get(0).asText());
    assertEquals("tcp", caps.get(0).get("kinds").get(1).asText());
    server.assignments.add(MEMCPY);
    waitFor(() -> server.eventsOf(1).size() >= 2);
    assertEquals(
        BandwidthSpec.of(
            BandwidthKind.HOST_MEMCPY,
            Endpoint.numa(0),
            Endpoint.numa(1),
            1 << 20,
            3,
            null,
            2,
            false),
        helper.calls.get(0).spec());
    List<FakeJobServer.Event> ev = server.eventsOf(1);
    assertEquals("started", ev.get(0).type());
    assertEquals("result", ev.get(ev.size() - 1).type());
    JsonNode result = ev.get(ev.size() - 1).body();
    assertEquals("run", result.get("role").asText());
    assertEquals(11.0, result.get("samples").get(1).asDouble());
    assertEquals("recording 1.0", result.get("helper").asText());
    assertEquals("raw output", result.get("rawOutput").asText());
  }

  @Test
  void aHostileAssignmentStartsNothingAndIsReportedAsAnError() throws Exception {
    List<String> hostile = new ArrayList<>();
    // each value is a JSON literal: strings quoted
    String[][] edits = {
      {"kind", "\"host-memcpy;reboot\""},
      {"kind", "\"sh\""},
      {"source", "\"numa:0;reboot\""},
      {"source", "\"$(id)\""},
      {"target", "\"--output=/etc/x\""},
      {"target", "\"numa:1\\nid\""},
      {"role", "\"exec\""},
      {"role", "\"listen\""},
      {"threads", "\"2;id\""},
      {"timeoutSeconds", "99999999"},
      {"bytes", "-1"},
      {"bytes", "1e30"},
      {"repetitions", "0"},
      {"pageable", "\"yes\""},
      {"peer", "{\"address\":\"10.0.0.2\",\"port\":1}"},
    };
    long id = 100;
    for (String[] e : edits) {
      ObjectNode n = (ObjectNode) JSON.readTree(MEMCPY);
      n.put("jobId", ++id);
      n.set(e[0], JSON.readTree(e[1]));
      hostile.add(n.toString());
    }
    String tcp =
        MEMCPY
            .replace("host-memcpy", "tcp")
            .replace("\"numa:0\"", "\"addr:10.0.0.1\"")
            .replace("\"numa:1\"", "\"addr:10.0.0.2\"")
            .replace("\"threads\":2", "\"threads\":1");
    hostile.add(tcp.replace("\"jobId\":1", "\"jobId\":201")); // a run without its peer
    hostile.add(
        tcp.replace("\"jobId\":1", "\"jobId\":202")
            .replace("\"peer\":null", "\"peer\":{\"address\":\"evil.example.com\",\"port\":1}"));
    hostile.add(
        tcp.replace("\"jobId\":1", "\"jobId\":203")
            .replace("\"peer\":null", "\"peer\":{\"address\":\"10.0.0.2;id\",\"port\":5201}"));
    hostile.add(
        tcp.replace("\"jobId\":1", "\"jobId\":204")
            .replace(
                "\"peer\":null",
                "\"peer\":{\"address\":\"10.0.0.2\",\"port\":5201,\"gid\":\"--x\"}"));
    hostile.add(MEMCPY.replace("\"jobId\":1", "\"jobId\":\"1;id\""));
    hostile.add("[\"sh\",\"-c\",\"id\"]");
    server.assignments.addAll(hostile);
    int withIds = edits.length + 4;
    waitFor(() -> server.events.size() >= withIds && server.assignments.isEmpty());
    Thread.sleep(300);
    assertEquals(List.of(), helper.calls, "no helper was called");
    assertEquals(withIds, server.events.size());
    for (FakeJobServer.Event e : server.events) {
      assertEquals("error", e.type());
      assertTrue(e.body().get("message").asText().startsWith("assignment refused"));
    }
    // the loop goes on: a good assignment after them runs
    server.assignments.add(MEMCPY);
    waitFor(() -> helper.calls.size() == 1);
  }

  @Test
  void hostileConcurrentFlowsStartNothingAndGoodOnesReachTheHelper() throws Exception {
    String[] bad = {
      "[{\"source\":\"numa:0;id\",\"target\":\"numa:1\"}]",
      "[{\"source\":\"numa:0\",\"target\":\"--output=/etc/x\"}]",
      "[{\"source\":\"/dev/nvme0n1\",\"target\":\"numa:0\"}]",
      "[{\"source\":\"numa:0\"}]",
      "\"numa:0=numa:1\"",
      "[" + "{\"source\":\"numa:0\",\"target\":\"numa:1\"},".repeat(15) + "{}]",
    };
    long id = 300;
    for (String b : bad) {
      ObjectNode n = (ObjectNode) JSON.readTree(MEMCPY);
      n.put("jobId", ++id);
      n.set("concurrent", JSON.readTree(b));
      server.assignments.add(n.toString());
    }
    waitFor(() -> server.events.size() >= bad.length && server.assignments.isEmpty());
    Thread.sleep(300);
    assertEquals(List.of(), helper.calls, "no helper was called");
    server.events.forEach(e -> assertEquals("error", e.type()));
    ObjectNode good = (ObjectNode) JSON.readTree(MEMCPY);
    good.put("threads", 1); // concurrent flows copy with one thread each
    good.set("concurrent", JSON.readTree("[{\"source\":\"numa:1\",\"target\":\"numa:0\"}]"));
    server.assignments.add(good.toString());
    waitFor(() -> helper.calls.size() == 1);
    assertEquals(
        List.of(new BandwidthFlow(Endpoint.numa(1), Endpoint.numa(0))),
        helper.calls.get(0).spec().concurrent());
  }

  @Test
  void aCancelOnTheServerStopsTheRunningHelperAndNoResultIsPosted() throws Exception {
    helper.blockUntilCancelled = true;
    server.assignments.add(MEMCPY);
    waitFor(() -> helper.calls.size() == 1);
    assertEquals(1, loop.running());
    server.end(1, "cancelled");
    waitFor(() -> helper.sawCancel);
    waitFor(() -> loop.running() == 0);
    assertFalse(server.eventsOf(1).stream().anyMatch(e -> e.type().equals("result")));
  }

  /**
   * The same side handed out twice runs once, and stopping the agent ends it (fourteenth security
   * review: the second replaced the first, which outlived the agent).
   */
  @Test
  void aSideHandedOutTwiceRunsOnce() throws Exception {
    helper.blockUntilCancelled = true;
    server.assignments.add(MEMCPY);
    waitFor(() -> helper.calls.size() == 1);
    server.assignments.add(MEMCPY);
    waitFor(() -> logBytes.toString().contains("handed out again is ignored"));
    assertEquals(1, helper.calls.size());
    assertEquals(1, loop.running());
    assertFalse(server.eventsOf(1).stream().anyMatch(e -> e.type().equals("error")));
    loop.stop();
    assertTrue(loop.awaitSides(3000), "the side ended");
    assertTrue(helper.sawCancel);
  }

  @Test
  void stoppingTheAgentCancelsRunningHelpersAndWaitsForThem() throws Exception {
    helper.blockUntilCancelled = true;
    server.assignments.add(MEMCPY);
    waitFor(() -> helper.calls.size() == 1);
    loop.stop();
    assertTrue(loop.awaitSides(3000), "the side ended");
    assertTrue(helper.sawCancel);
    thread.join(5000);
    assertFalse(thread.isAlive());
  }

  @Test
  void helperFailuresAndMissingHelpersBecomeErrorEvents() throws Exception {
    server.assignments.add(MEMCPY.replace("\"repetitions\":3", "\"repetitions\":7"));
    waitFor(() -> server.eventsOf(1).stream().anyMatch(e -> e.type().equals("error")));
    assertEquals(
        "membw: node 1 has no memory",
        server.eventsOf(1).get(server.eventsOf(1).size() - 1).body().get("message").asText());
    String d2d =
        MEMCPY
            .replace("\"jobId\":1", "\"jobId\":2")
            .replace("host-memcpy", "gpu-d2d")
            .replace("\"numa:0\"", "\"gpu:0\"")
            .replace("\"numa:1\"", "\"gpu:0\"")
            .replace("\"threads\":2", "\"threads\":1");
    server.assignments.add(d2d);
    waitFor(() -> !server.eventsOf(2).isEmpty());
    assertEquals(
        "no helper for gpu-d2d on this host",
        server.eventsOf(2).get(0).body().get("message").asText());
  }

  /** Fourteenth security review, finding 2: nothing listens on all interfaces or elsewhere. */
  @Test
  void aListenerOnNoneOfThisHostsAddressesIsRefusedAndStartsNothing() throws Exception {
    String[] targets = {"0.0.0.0", "::", "224.0.0.1", "169.254.169.254"};
    for (int i = 0; i < targets.length; i++) {
      server.assignments.add(
          "{\"jobId\":"
              + (20 + i)
              + ",\"role\":\"listen\",\"kind\":\"tcp\",\"source\":\"addr:10.0.0.1\","
              + "\"target\":\"addr:"
              + targets[i]
              + "\",\"bytes\":1048576,\"repetitions\":1,\"durationSeconds\":5,"
              + "\"threads\":1,\"pageable\":false,\"peer\":null,\"timeoutSeconds\":120}");
    }
    for (int i = 0; i < targets.length; i++) {
      int id = 20 + i;
      waitFor(() -> !server.eventsOf(id).isEmpty());
      JsonNode e = server.eventsOf(id).get(0).body();
      assertEquals("error", e.get("type").asText(), e.toString());
      assertTrue(e.get("message").asText().contains("listen address: "), e.toString());
    }
    assertEquals(List.of(), helper.calls, "no listener started");
  }

  @Test
  void aListenerReportsWhereItListensAndClosesWhenTheTestIsOver() throws Exception {
    String listen =
        "{\"jobId\":5,\"role\":\"listen\",\"kind\":\"tcp\",\"source\":\"addr:10.0.0.1\","
            + "\"target\":\"addr:10.0.0.2\",\"bytes\":1048576,\"repetitions\":1,"
            + "\"durationSeconds\":5,\"threads\":1,\"pageable\":false,\"peer\":null,"
            + "\"timeoutSeconds\":120}";
    server.assignments.add(listen);
    waitFor(() -> server.eventsOf(5).stream().anyMatch(e -> e.type().equals("listening")));
    JsonNode ready =
        server.eventsOf(5).stream()
            .filter(e -> e.type().equals("listening"))
            .findFirst()
            .orElseThrow()
            .body();
    assertEquals("listen", ready.get("role").asText());
    assertEquals("10.0.0.2", ready.get("address").asText());
    assertEquals(5201, ready.get("port").asInt());
    assertFalse(helper.listenerClosed.get());
    server.end(5, "passed");
    waitFor(helper.listenerClosed::get);
  }

  @Test
  void aServerWithoutTheJobsApiEndsTheLoop() throws Exception {
    loop.stop();
    thread.join(5000);
    server.noJobsApi = true;
    JobLoop other =
        new JobLoop(
            new JobClient(server.uri(), "node-1", () -> "t", Duration.ofSeconds(5)),
            List.of(),
            k -> Optional.empty(),
            new Backoff(Duration.ofMillis(10), Duration.ofMillis(50)),
            Duration.ofMillis(100),
            new AgentLog(new PrintStream(logBytes, true)),
            PeerNetworks.local(List.of()));
    Thread t = new Thread(other::run);
    t.start();
    t.join(5000);
    assertFalse(t.isAlive());
    assertTrue(logBytes.toString().contains("no bandwidth jobs API"));
  }

  static void waitFor(BooleanSupplier condition) throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < until, "condition not met within 10 s");
      Thread.sleep(20);
    }
  }
}
