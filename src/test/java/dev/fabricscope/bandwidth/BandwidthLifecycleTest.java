package dev.fabricscope.bandwidth;

import static dev.fabricscope.testing.BandwidthClient.event;
import static dev.fabricscope.testing.BandwidthClient.memcpy;
import static dev.fabricscope.testing.BandwidthClient.poll;
import static dev.fabricscope.testing.BandwidthClient.queue;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.inventory.BandwidthJobStore;
import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.BandwidthClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tests from queueing to verdict, with this test playing the agents over HTTP. */
@QuarkusTest
class BandwidthLifecycleTest {

  @Inject BandwidthJobStore store;
  @Inject BandwidthJobs jobs;

  String operatorName;
  String operator;
  String viewer;

  @BeforeEach
  void tokens() {
    operatorName = BandwidthClient.hostName("lc-op");
    operator = ApiClient.token(operatorName, "operator", null);
    viewer = ApiClient.token(BandwidthClient.hostName("lc-viewer"), "viewer", null);
  }

  String hostWithAgent(String[] agent) throws Exception {
    String host = BandwidthClient.hostName("lc-host");
    BandwidthClient.addHost(operator, host);
    agent[0] = ApiClient.token(BandwidthClient.hostName("lc-agent"), "agent", host);
    return host;
  }

  @Test
  void hostMemcpyIsMeasuredThenJudgedAgainstTheHostsLastMeasurement() throws Exception {
    String[] agent = new String[1];
    String host = hostWithAgent(agent);
    long first = queue(operator, memcpy(host, 4));
    Response a = poll(agent[0], host, 5);
    a.then()
        .statusCode(200)
        .body("jobId", equalTo((int) first))
        .body("role", equalTo("run"))
        .body("kind", equalTo("host-memcpy"))
        .body("source", equalTo("numa:0"))
        .body("bytes", equalTo(64 << 20))
        .body("threads", equalTo(4))
        .body("peer", nullValue());
    assertTrue(((Number) a.path("timeoutSeconds")).longValue() > 0);
    BandwidthClient.get(viewer, first).then().body("state", equalTo("running"));
    event(agent[0], host, first, "{\"type\":\"started\",\"role\":\"run\"}").then().statusCode(200);
    event(agent[0], host, first, "{\"type\":\"progress\",\"message\":\"2 of 3\"}")
        .then()
        .statusCode(200)
        .body("state", equalTo("running"));
    String result =
        "{\"type\":\"result\",\"samples\":[20.0,21.0,22.0],\"helper\":\"fabricscope-membw 1\","
            + "\"rawOutput\":\"copy 21.0 GB/s\\n\"}";
    event(agent[0], host, first, result).then().statusCode(200).body("state", equalTo("measured"));
    BandwidthClient.get(viewer, first)
        .then()
        .body("state", equalTo("measured"))
        .body("measuredGBps", equalTo(21.0f))
        .body("expectedGBps", nullValue())
        .body("verdict", equalTo("unknown"))
        .body("result.samples.size()", equalTo(3))
        .body("result.helper", equalTo("fabricscope-membw 1"))
        .body("rawOutput", equalTo("copy 21.0 GB/s\n"));
    // a second result on a finished job tells the agent it is over
    event(agent[0], host, first, result)
        .then()
        .statusCode(409)
        .body("cancelled", equalTo(false))
        .body("state", equalTo("measured"));
    // the next measurement is judged against 21.0: 10.0 is below the warn ratio
    long second = queue(operator, memcpy(host, 4));
    poll(agent[0], host, 5).then().statusCode(200).body("jobId", equalTo((int) second));
    event(agent[0], host, second, result.replace("20.0,21.0,22.0", "10.0"))
        .then()
        .body("state", equalTo("failed"));
    BandwidthClient.get(viewer, second)
        .then()
        .body("expectedGBps", equalTo(21.0f))
        .body("verdict", equalTo("fail"));
    given()
        .auth()
        .oauth2(viewer)
        .queryParam("host", host)
        .queryParam("a", "numa:1")
        .queryParam("b", "numa:0")
        .get("/api/v1/bandwidth-tests")
        .then()
        .statusCode(200)
        .body("items.id", equalTo(List.of((int) second, (int) first)));
  }

  @Test
  void twoHostTestsListenFirstThenRunAgainstTheListener() throws Exception {
    String[] src = new String[1];
    String[] dst = new String[1];
    String source = hostWithAgent(src);
    String target = hostWithAgent(dst);
    long id = queue(operator, BandwidthClient.tcp(source, target));
    assertEquals(204, poll(src[0], source, 0).statusCode(), "the source waits for the listener");
    poll(dst[0], target, 5)
        .then()
        .statusCode(200)
        .body("role", equalTo("listen"))
        .body("durationSeconds", equalTo(5));
    event(src[0], source, id, "{\"type\":\"listening\",\"address\":\"10.0.0.2\",\"port\":5201}")
        .then()
        .statusCode(422); // the source host plays no listen side
    // a listener elsewhere than the test's target would send the run side there
    event(dst[0], target, id, "{\"type\":\"listening\",\"address\":\"127.0.0.1\",\"port\":22}")
        .then()
        .statusCode(422)
        .body("detail", containsString("the test's target is 10.0.0.2"));
    // the source's poll is already waiting when the listener reports
    CompletableFuture<Response> run = CompletableFuture.supplyAsync(() -> poll(src[0], source, 20));
    Thread.sleep(300);
    event(dst[0], target, id, "{\"type\":\"listening\",\"address\":\"10.0.0.2\",\"port\":5201}")
        .then()
        .statusCode(200)
        .body("state", equalTo("listening"));
    Response r = run.get(5, TimeUnit.SECONDS);
    r.then()
        .statusCode(200)
        .body("role", equalTo("run"))
        .body("peer.address", equalTo("10.0.0.2"))
        .body("peer.port", equalTo(5201));
    event(
            src[0],
            source,
            id,
            "{\"type\":\"result\",\"samples\":[1.1,1.2],\"helper\":\"iperf3 3.12\"}")
        .then()
        .body("state", equalTo("measured"));
    // the listener learns at its next event that the test is over
    event(dst[0], target, id, "{\"type\":\"progress\",\"role\":\"listen\"}")
        .then()
        .statusCode(409)
        .body("state", equalTo("measured"));
    given()
        .auth()
        .oauth2(viewer)
        .queryParam("host", target)
        .queryParam("peer", source)
        .queryParam("a", "addr:10.0.0.2")
        .queryParam("b", "addr:10.0.0.1")
        .get("/api/v1/bandwidth-tests")
        .then()
        .body("items.id", equalTo(List.of((int) id)))
        .body("items[0].listener.port", equalTo(5201));
  }

  private static String listening(String gid) {
    return "{\"type\":\"listening\",\"role\":\"listen\",\"address\":\"192.168.100.11\","
        + "\"port\":18515,\"gid\":\""
        + gid
        + "\",\"gidIndex\":1}";
  }

  /** Both sides on one host (rxe0 and rxe1 of the rig), judged against the ports' line rate. */
  @Test
  void rdmaBetweenTwoPortsOfOneHostIsJudgedAgainstTheStoredReportsLineRate() throws Exception {
    String[] agent = new String[1];
    String host = hostWithAgent(agent);
    long id =
        queue(
            operator,
            "{\"kind\":\"rdma-write\",\"source\":{\"host\":\""
                + host
                + "\",\"endpoint\":\"rdma:rxe0\"},\"target\":{\"host\":\""
                + host
                + "\",\"endpoint\":\"rdma:rxe1\"},\"size\":\"64K\"}");
    poll(agent[0], host, 5).then().body("role", equalTo("listen"));
    assertEquals(204, poll(agent[0], host, 0).statusCode(), "no run before the listener is ready");
    // a GID the report does not list for rxe1 port 1 (rxe0's, or none of the host's): refused
    for (String gid :
        List.of("fe80:0000:0000:0000:5054:00ff:fe00:0012", "fe80::5054:ff:fe12:3456")) {
      event(agent[0], host, id, listening(gid))
          .then()
          .statusCode(422)
          .body("detail", containsString("not one of the GIDs of rxe1 port 1"));
    }
    assertEquals(204, poll(agent[0], host, 0).statusCode(), "no run for a refused listener");
    // the rig's rxe1 GID (sysfs gids/0), written short
    event(agent[0], host, id, listening("fe80::5054:ff:fe00:10")).then().statusCode(200);
    poll(agent[0], host, 5)
        .then()
        .body("role", equalTo("run"))
        .body("source", equalTo("rdma:rxe0:1"))
        .body("peer.gidIndex", equalTo(1));
    event(
            agent[0],
            host,
            id,
            "{\"type\":\"result\",\"role\":\"run\",\"samples\":[0.29,0.3],\"helper\":\"ib_write_bw 6.15\"}")
        .then()
        .body("state", equalTo("passed"));
    // 2.5 Gb/s soft-RoCE ports: 0.3125 GB/s line rate x nicLine 0.95
    BandwidthClient.get(viewer, id)
        .then()
        .body("expectedGBps", equalTo(0.3f))
        .body("verdict", equalTo("pass"))
        .body("result.bottleneck", equalTo("rdma:rxe0:1"));
  }

  @Test
  void cancelReachesTheAgentAtItsNextEvent() throws Exception {
    String[] agent = new String[1];
    String host = hostWithAgent(agent);
    long id = queue(operator, memcpy(host, 1));
    poll(agent[0], host, 5).then().statusCode(200);
    given().auth().oauth2(operator).delete("/api/v1/bandwidth-tests/" + id).then().statusCode(200);
    event(agent[0], host, id, "{\"type\":\"progress\"}")
        .then()
        .statusCode(409)
        .contentType("application/problem+json")
        .body("cancelled", equalTo(true));
    BandwidthClient.get(viewer, id).then().body("message", equalTo("cancelled by " + operatorName));
  }

  @Test
  void aListenerThatNeverReportsTimesOutAndFreesBothHosts() throws Exception {
    String[] src = new String[1];
    String[] dst = new String[1];
    String source = hostWithAgent(src);
    String target = hostWithAgent(dst);
    long id = queue(operator, BandwidthClient.tcp(source, target));
    poll(dst[0], target, 5).then().body("role", equalTo("listen"));
    long t0 = System.nanoTime();
    while (!BandwidthClient.get(viewer, id).path("state").equals("timed-out")) {
      assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10), "timed out in time");
      Thread.sleep(100);
    }
    BandwidthClient.get(viewer, id)
        .then()
        .body(
            "message",
            equalTo("the listener on " + target + " did not report ready before its deadline"));
    long next = queue(operator, memcpy(target, 1));
    poll(dst[0], target, 5).then().statusCode(200).body("jobId", equalTo((int) next));
  }

  @Test
  void restartTimesOutTakenJobsAndKeepsQueuedOnes() throws Exception {
    String[] agent = new String[1];
    String host = hostWithAgent(agent);
    String[] other = new String[1];
    String idle = hostWithAgent(other);
    long taken = queue(operator, memcpy(host, 1));
    long waiting = queue(operator, memcpy(idle, 1));
    poll(agent[0], host, 5).then().statusCode(200);
    // what the startup observer does after a restart, on the store the restarted server reads
    jobs.abandonTaken();
    assertEquals("timed-out", store.job(taken).orElseThrow().state().json());
    assertEquals("server restarted", store.job(taken).orElseThrow().message());
    assertEquals(BandwidthJobStore.State.QUEUED, store.job(waiting).orElseThrow().state());
    poll(other[0], idle, 5).then().statusCode(200).body("jobId", equalTo((int) waiting));
    assertTrue(store.job(waiting).orElseThrow().started().isBefore(Instant.now().plusSeconds(1)));
  }
}
