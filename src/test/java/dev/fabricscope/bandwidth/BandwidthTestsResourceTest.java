package dev.fabricscope.bandwidth;

import static dev.fabricscope.testing.BandwidthClient.memcpy;
import static dev.fabricscope.testing.BandwidthClient.post;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fabricscope.inventory.BandwidthJobStore;
import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.BandwidthClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Who may queue bandwidth tests, and that no bad or hostile field gets one stored. */
@QuarkusTest
class BandwidthTestsResourceTest {

  static final ObjectMapper JSON = new ObjectMapper();

  /** Shell, option and path tricks, control characters and sheer length. */
  static final List<String> HOSTILE =
      List.of(
          ";",
          "numa:0;reboot",
          "$(reboot)",
          "numa:$(id)",
          "`id`",
          "gpu:0`id`",
          "numa:0\n--output=/etc/x",
          "a\nb",
          "--output=/etc/x",
          "-o/etc/x",
          "rdma:mlx5_0;id",
          "rdma:-x",
          "addr:10.0.0.1;id",
          "addr:10.0.0.1 -c evil",
          "addr:evil.example.com",
          "../../etc/passwd",
          "numa:0\u0000",
          "x".repeat(5000),
          "numa:0|nc evil 1",
          "numa:0&&id",
          "256M;id",
          "1G --output=/etc/x",
          "tcp;id",
          "host-memcpy\n");

  static final String[][] FIELDS = {
    {"kind"},
    {"source", "host"},
    {"source", "endpoint"},
    {"target", "host"},
    {"target", "endpoint"},
    {"size"},
    {"repetitions"},
    {"durationSeconds"},
    {"threads"},
    {"pageable"}
  };

  @Inject BandwidthJobStore store;

  String operator;
  String host;

  @BeforeEach
  void setUp() throws Exception {
    operator = ApiClient.token(BandwidthClient.hostName("bw-op"), "operator", null);
    host = BandwidthClient.hostName("bw-host");
    BandwidthClient.addHost(operator, host);
  }

  @Test
  void onlyOperatorsAndAdminsQueueTests() {
    String viewer = ApiClient.token(BandwidthClient.hostName("bw-viewer"), "viewer", null);
    String agent = ApiClient.token(BandwidthClient.hostName("bw-agent"), "agent", host);
    long before = store.rowCount();
    given()
        .contentType("application/json")
        .body(memcpy(host, 1))
        .post("/api/v1/bandwidth-tests")
        .then()
        .statusCode(401);
    post(viewer, memcpy(host, 1))
        .then()
        .statusCode(403)
        .contentType(startsWith("application/problem+json"));
    post(agent, memcpy(host, 1)).then().statusCode(403);
    assertEquals(before, store.rowCount());
    Response created = post(operator, memcpy(host, 1));
    created.then().statusCode(201).body("state", equalTo("queued")).body("size", equalTo("64M"));
    long id = ((Number) created.path("id")).longValue();
    assertTrue(created.header("Location").endsWith("/api/v1/bandwidth-tests/" + id));
    post(ApiClient.ADMIN, memcpy(host, 2)).then().statusCode(201);
    // reads: viewer yes, agent no; cancel: operator only
    BandwidthClient.get(viewer, id).then().statusCode(200).body("requestedBy", startsWith("bw-op"));
    BandwidthClient.get(agent, id).then().statusCode(403);
    given().auth().oauth2(viewer).delete("/api/v1/bandwidth-tests/" + id).then().statusCode(403);
    given()
        .auth()
        .oauth2(operator)
        .delete("/api/v1/bandwidth-tests/" + id)
        .then()
        .statusCode(200)
        .body("state", equalTo("cancelled"));
    given().auth().oauth2(operator).delete("/api/v1/bandwidth-tests/" + id).then().statusCode(409);
    BandwidthClient.get(viewer, 999_999_999L).then().statusCode(404);
    given().auth().oauth2(viewer).get("/api/v1/bandwidth-tests/abc").then().statusCode(400);
  }

  @Test
  void everyHostileValueInEveryFieldIsRefusedAndNothingIsStoredOrHandedOut() throws Exception {
    String agent = ApiClient.token(BandwidthClient.hostName("bw-agent"), "agent", host);
    // nothing waits for this host before the corpus
    assertEquals(204, BandwidthClient.poll(agent, host, 0).statusCode());
    long before = store.rowCount();
    List<String> bodies = new ArrayList<>();
    for (String[] field : FIELDS) {
      for (String bad : HOSTILE) {
        ObjectNode body = (ObjectNode) JSON.readTree(memcpy(host, 1));
        ObjectNode parent = field.length == 1 ? body : (ObjectNode) body.get(field[0]);
        parent.put(field[field.length - 1], bad);
        bodies.add(body.toString());
      }
    }
    // shapes and ranges: wrong types, unknown fields, out-of-range numbers, kinds that do not fit
    bodies.addAll(
        List.of(
            "",
            "[]",
            "null",
            "{",
            memcpy(host, 1).replace("\"threads\":1", "\"threads\":1,\"args\":\"--output=/etc/x\""),
            memcpy(host, 1).replace("\"repetitions\":3", "\"repetitions\":0"),
            memcpy(host, 1).replace("\"repetitions\":3", "\"repetitions\":1001"),
            memcpy(host, 1).replace("\"repetitions\":3", "\"repetitions\":2.5"),
            memcpy(host, 1).replace("\"64M\"", "\"0\""),
            memcpy(host, 1).replace("\"64M\"", "\"17G\""),
            memcpy(host, 1).replace("\"64M\"", "-1"),
            memcpy(host, 1).replace("\"64M\"", "1e30"),
            memcpy(host, 1).replace("\"threads\":1", "\"threads\":257"),
            memcpy(host, 1).replace("\"threads\":1", "\"threads\":1,\"pageable\":true"),
            memcpy(host, 1).replace("\"numa:1\"", "\"gpu:0\""),
            memcpy(host, 1).replace("\"threads\":1", "\"threads\":1,\"durationSeconds\":301"),
            memcpy(host, 1).replace("\"source\":{", "\"source\":{\"port\":1,"),
            memcpy(host, 1).replace("\"target\":{\"host\":\"" + host, "\"target\":{\"host\":\"x"),
            memcpy("no-such-host-" + System.nanoTime(), 1),
            "{\"kind\":\"gpu-p2p\",\"source\":{\"host\":\""
                + host
                + "\",\"endpoint\":\"gpu:0\"},"
                + "\"target\":{\"host\":\""
                + host
                + "\",\"endpoint\":\"gpu:0\"}}",
            "{\"kind\":\"tcp\",\"source\":{\"host\":\""
                + host
                + "\",\"endpoint\":\"addr:1.2.3.4\"}}",
            "{\"kind\":[\"tcp\"],\"source\":{},\"target\":{}}",
            "{\"kind\":\"host-memcpy\",\"source\":\"" + host + "\",\"target\":{}}"));
    for (String body : bodies) {
      assertTrue(!body.equals(memcpy(host, 1)), "every case changes the valid body");
      Response r = post(operator, body);
      assertTrue(
          r.statusCode() >= 400 && r.statusCode() < 500,
          () -> "expected 4xx for " + body + ", got " + r.statusCode() + " " + r.asString());
      assertTrue(
          r.contentType().startsWith("application/problem+json"),
          () -> "problem+json for " + body + ": " + r.contentType());
      r.then().body("status", equalTo(r.statusCode()));
    }
    assertTrue(bodies.size() > 250, "corpus size " + bodies.size());
    assertEquals(before, store.rowCount(), "no job stored");
    assertEquals(204, BandwidthClient.poll(agent, host, 0).statusCode(), "no job handed out");
    // the same body without the hostile value is accepted: the corpus did not fail for nothing
    post(operator, memcpy(host, 1)).then().statusCode(201);
    assertEquals(before + 1, store.rowCount());
  }

  @Test
  void unknownHostsAndKindsTheAgentCannotRunAre422WithTheReason() {
    post(operator, memcpy("unknown-" + System.nanoTime(), 1))
        .then()
        .statusCode(422)
        .body("detail", containsString("unknown host"));
    String agent = ApiClient.token(BandwidthClient.hostName("bw-agent"), "agent", host);
    String helpers =
        "[{\"name\":\"membw\",\"present\":true,\"version\":\"1\",\"devices\":[\"numa:0\","
            + "\"numa:1\"],\"detail\":\"libfabricscope-membw.so\",\"kinds\":[\"host-memcpy\"]},"
            + "{\"name\":\"cuda\",\"present\":false,\"devices\":[],\"detail\":\"no CUDA driver on"
            + " this host\",\"kinds\":[\"gpu-h2d\",\"gpu-d2h\"]}]";
    given()
        .auth()
        .oauth2(agent)
        .contentType("application/json")
        .body(helpers)
        .put("/api/v1/agents/" + host + "/capabilities")
        .then()
        .statusCode(200)
        .body("helpers.size()", equalTo(2));
    given()
        .auth()
        .oauth2(operator)
        .get("/api/v1/agents/" + host + "/capabilities")
        .then()
        .statusCode(200)
        .body("helpers[1].detail", equalTo("no CUDA driver on this host"));
    String h2d =
        "{\"kind\":\"gpu-h2d\",\"source\":{\"host\":\""
            + host
            + "\",\"endpoint\":\"numa:0\"},"
            + "\"target\":{\"endpoint\":\"gpu:0\"}}";
    post(operator, h2d)
        .then()
        .statusCode(422)
        .body("detail", containsString("cuda: no CUDA driver on this host"));
    post(operator, BandwidthClient.tcp(host, host))
        .then()
        .statusCode(422)
        .body("detail", containsString("no helper that measures tcp"));
    post(operator, memcpy(host, 1)).then().statusCode(201);
  }

  @Test
  void agentEndpointsTakeOnlyTheirHostsTokenAndCheckWhatTheySend() {
    String other = BandwidthClient.hostName("bw-other");
    String otherAgent = ApiClient.token(BandwidthClient.hostName("bw-agent"), "agent", other);
    String viewer = ApiClient.token(BandwidthClient.hostName("bw-viewer"), "viewer", null);
    String agent = ApiClient.token(BandwidthClient.hostName("bw-agent"), "agent", host);
    BandwidthClient.poll(otherAgent, host, 0).then().statusCode(403);
    BandwidthClient.poll(viewer, host, 0).then().statusCode(403);
    BandwidthClient.poll(agent, host, 61).then().statusCode(400);
    BandwidthClient.poll(agent, host, -1).then().statusCode(400);
    long id = BandwidthClient.queue(operator, memcpy(host, 1));
    BandwidthClient.event(otherAgent, host, id, "{\"type\":\"progress\"}").then().statusCode(403);
    BandwidthClient.event(otherAgent, other, id, "{\"type\":\"progress\"}").then().statusCode(404);
    // not handed out yet
    BandwidthClient.event(agent, host, id, "{\"type\":\"started\"}").then().statusCode(409);
    for (String bad :
        List.of(
            "{\"type\":\"reboot\"}",
            "{\"type\":\"progress\",\"cmd\":\"id\"}",
            "{\"type\":\"result\",\"samples\":[],\"helper\":\"x\"}",
            "{\"type\":\"result\",\"samples\":[1e300],\"helper\":\"x\"}",
            "{\"type\":\"result\",\"samples\":[-1],\"helper\":\"x\"}",
            "{\"type\":\"result\",\"samples\":[\"1\"],\"helper\":\"x\"}",
            "{\"type\":\"listening\",\"address\":\"evil.example.com\",\"port\":1}",
            "{\"type\":\"listening\",\"address\":\"10.0.0.1\",\"port\":70000}",
            "{\"type\":\"listening\",\"address\":\"10.0.0.1\",\"port\":1,\"gid\":\"$(id)\"}",
            "{\"type\":\"progress\",\"role\":\"root\"}")) {
      Response r = BandwidthClient.event(agent, host, id, bad);
      assertTrue(r.statusCode() == 400 || r.statusCode() == 422, bad + " → " + r.statusCode());
    }
    for (String bad :
        List.of(
            "{}",
            "[{\"name\":\"$(id)\",\"present\":true}]",
            "[{\"name\":\"membw\",\"present\":true,\"devices\":[\"numa:0;id\"]}]",
            "[{\"name\":\"membw\",\"present\":true,\"kinds\":[\"rm -rf\"]}]",
            "[{\"name\":\"membw\",\"present\":true,\"exec\":\"/bin/sh\"}]",
            "[{\"name\":\"membw\"}]")) {
      Response r =
          given()
              .auth()
              .oauth2(agent)
              .contentType("application/json")
              .body(bad)
              .put("/api/v1/agents/" + host + "/capabilities");
      assertTrue(r.statusCode() == 400 || r.statusCode() == 422, bad + " → " + r.statusCode());
    }
  }
}
