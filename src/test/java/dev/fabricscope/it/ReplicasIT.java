package dev.fabricscope.it;

import static dev.fabricscope.it.ReplicaClient.agentToken;
import static dev.fabricscope.it.ReplicaClient.event;
import static dev.fabricscope.it.ReplicaClient.job;
import static dev.fabricscope.it.ReplicaClient.poll;
import static dev.fabricscope.it.ReplicaClient.postReport;
import static dev.fabricscope.it.ReplicaClient.queueMemcpy;
import static dev.fabricscope.it.ReplicaClient.report;
import static dev.fabricscope.it.ReplicaClient.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fabricscope.inventory.TestPostgres;
import dev.fabricscope.it.ReplicaClient.Arrived;
import dev.fabricscope.it.ReplicaClient.Reply;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two packaged server processes, A and B, on one embedded PostgreSQL and nothing else shared (issue
 * 15, acceptance 2). Polls wait for notices only: {@code poll-recheck} is ten minutes, so a poll on
 * B woken for a job queued through A was woken by A's notice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicasIT {

  /** What both replicas run with besides the shared database. */
  static List<String> replicaSettings(String jdbcUrl) {
    return List.of(
        "-Dfabricscope.db.url=" + jdbcUrl,
        "-Dfabricscope.db.user=postgres",
        "-Dfabricscope.db.pool-size=4",
        "-Dfabricscope.bandwidth.time-out-taken-at-start=false",
        "-Dfabricscope.bandwidth.poll-recheck=10m",
        "-Dfabricscope.bandwidth.run-timeout=3s",
        "-Dfabricscope.bandwidth.sweep=200ms");
  }

  EmbeddedPostgres postgres;
  ServerProcess a;
  ServerProcess b;

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    postgres = TestPostgres.start();
    List<String> settings = replicaSettings(postgres.getJdbcUrl("postgres", "postgres"));
    // one after the other: the first creates the bootstrap admin token
    a = new ServerProcess(tmp.resolve("a"), settings).start();
    b = new ServerProcess(tmp.resolve("b"), settings).start();
  }

  @AfterAll
  void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {a, b, postgres}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @Test
  @Order(1)
  void aReportStoredThroughAReachesAStreamOnBWithinASecondAndBKnowsTheHost() throws Exception {
    String host = "replica-sse";
    String agent = agentToken(a.url(), host);
    Reply first = postReport(a.url(), agent, report(host, "one"));
    assertEquals(201, first.status(), first.body());
    try (ReplicaClient.Stream onB = new ReplicaClient.Stream(b.url(), host)) {
      JsonNode hello = onB.next("hello", 10).event();
      assertEquals(first.json().get("snapshotId").asLong(), hello.get("snapshotId").asLong());
      long sent = System.nanoTime();
      Reply second = postReport(a.url(), agent, report(host, "two"));
      assertEquals(201, second.status(), second.body());
      Arrived ev = onB.next("snapshot", 5);
      long ms = TimeUnit.NANOSECONDS.toMillis(ev.nanos() - sent);
      assertEquals(second.json().get("snapshotId").asLong(), ev.event().get("snapshotId").asLong());
      assertTrue(ms < 1000, "the event reached B " + ms + " ms after A was sent the report");
    }
    Reply onB = send("GET", b.url() + "/api/v1/hosts/" + host, ServerProcess.ADMIN, null);
    assertEquals(200, onB.status(), onB.body());
  }

  @Test
  @Order(2)
  void bForgetsContentThatAReplacedSoARevertedReportIsStored() throws Exception {
    String host = "replica-known";
    String agent = agentToken(a.url(), host);
    String one = report(host, "one");
    Reply stored = postReport(b.url(), agent, one);
    assertEquals(201, stored.status(), stored.body());
    // B now answers the same report from memory
    assertEquals(200, postReport(b.url(), agent, one).status());
    try (ReplicaClient.Stream onB = new ReplicaClient.Stream(b.url(), host)) {
      onB.next("hello", 10);
      Reply two = postReport(a.url(), agent, report(host, "two"));
      assertEquals(201, two.status(), two.body());
      // B has the notice once its stream has the event (same notice, same thread)
      onB.next("snapshot", 5);
    }
    Thread.sleep(100);
    Reply back = postReport(b.url(), agent, one);
    assertEquals(201, back.status(), "the host's latest content is two, not one: " + back.body());
    long latest =
        send("GET", a.url() + "/api/v1/hosts/" + host, ServerProcess.ADMIN, null)
            .json()
            .get("latestSnapshotId")
            .asLong();
    assertEquals(back.json().get("snapshotId").asLong(), latest);
  }

  @Test
  @Order(3)
  void aJobQueuedThroughAWakesAPollWaitingOnB() throws Exception {
    String host = "replica-wake";
    String agent = agentToken(a.url(), host);
    assertEquals(201, postReport(a.url(), agent, report(host, "one")).status());
    var waiting =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              try {
                return poll(b.url(), agent, host, 30);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(1000); // the poll is waiting on B
    long queued = System.nanoTime();
    long id = queueMemcpy(a.url(), host);
    Reply got = waiting.get(30, TimeUnit.SECONDS);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - queued);
    assertEquals(200, got.status(), got.body());
    assertEquals(id, got.json().get("jobId").asLong());
    assertTrue(ms < 2000, "B's poll answered " + ms + " ms after the job was queued on A");
    assertEquals(
        200, event(b.url(), agent, host, id, "{\"type\":\"error\",\"message\":\"done\"}").status());
  }

  @Test
  @Order(4)
  void aHundredJobsQueuedThroughBothAreEachClaimedOnceByAgentsPollingBoth() throws Exception {
    java.util.Map<String, String> agents = new java.util.LinkedHashMap<>();
    for (int h = 0; h < 10; h++) {
      String host = "replica-claims-" + h;
      agents.put(host, agentToken(a.url(), host));
      assertEquals(201, postReport(b.url(), agents.get(host), report(host, "one")).status());
    }
    java.util.Set<Long> queued = new java.util.HashSet<>();
    try (ReplicaAgents polling = new ReplicaAgents(List.of(a.url(), b.url()), agents)) {
      for (int i = 0; i < 10; i++) {
        for (String host : agents.keySet()) {
          queued.add(queueMemcpy(i % 2 == 0 ? a.url() : b.url(), host));
        }
      }
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (polling.claimedBy.size() < queued.size() && System.nanoTime() < until) {
        Thread.sleep(100);
      }
      Thread.sleep(500); // a second hand-out of any job would show by now
      assertEquals(List.of(), polling.errors);
      assertEquals(java.util.Set.of(), polling.claimedTwice, "jobs handed out twice");
      assertEquals(java.util.Set.of(), polling.overlaps, "hosts with two jobs at once");
      assertEquals(queued, polling.claimedBy.keySet(), "every job claimed");
      assertTrue(
          polling.perReplica.get(0).get() > 0 && polling.perReplica.get(1).get() > 0,
          "claims on A and B: " + polling.perReplica);
      for (long id : queued) {
        JsonNode j = job(a.url(), id).json();
        assertEquals("error", j.get("state").asText(), j.toString());
        // ended by the poller that got it, through its own replica
        assertTrue(j.get("message").asText().endsWith(polling.claimedBy.get(id)), j.toString());
      }
    }
  }

  @Test
  @Order(5)
  void killingAMidJobLetsBTimeTheJobOut() throws Exception {
    String host = "replica-kill";
    String agent = agentToken(a.url(), host);
    assertEquals(201, postReport(a.url(), agent, report(host, "one")).status());
    try (ReplicaClient.Stream onB = new ReplicaClient.Stream(b.url(), host)) {
      onB.next("hello", 10);
      long id = queueMemcpy(b.url(), host);
      Reply taken = poll(a.url(), agent, host, 10);
      assertEquals(200, taken.status(), taken.body());
      assertEquals(id, taken.json().get("jobId").asLong());
      assertEquals(
          200, event(a.url(), agent, host, id, "{\"type\":\"started\",\"role\":\"run\"}").status());
      a.kill();
      // run-timeout is 3 s: B's sweeper ends the job and tells B's streams
      JsonNode over = null;
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (over == null && System.nanoTime() < until) {
        JsonNode e = onB.next("bandwidth", 15).event();
        if (e.get("jobId").asLong() == id && e.get("phase").asText().equals("finished")) {
          over = e;
        }
      }
      assertTrue(over != null, "no finished event on B");
      assertEquals("timed-out", over.get("state").asText());
      assertEquals("timed-out", job(b.url(), id).json().get("state").asText());
      // the agent, failing over to B, is told the test is over
      Reply late =
          event(b.url(), agent, host, id, "{\"type\":\"progress\",\"message\":\"still here\"}");
      assertEquals(409, late.status(), late.body());
      // and B hands the host its next job
      long next = queueMemcpy(b.url(), host);
      assertEquals(next, poll(b.url(), agent, host, 10).json().get("jobId").asLong());
    }
  }
}
