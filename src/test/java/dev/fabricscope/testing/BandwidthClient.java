package dev.fabricscope.testing;

import static io.restassured.RestAssured.given;

import io.restassured.response.Response;
import java.util.concurrent.atomic.AtomicLong;

/**
 * REST helpers for the bandwidth-test API: hosts in the inventory (the QEMU rig's report under any
 * name), tests queued as an operator, and an agent's side played over HTTP with its own token.
 */
public final class BandwidthClient {

  private static final AtomicLong SEQ = new AtomicLong(System.nanoTime() % 1_000_000);
  private static volatile byte[] rigReport;

  private BandwidthClient() {}

  /** A fresh host name. */
  public static String hostName(String prefix) {
    return prefix + "-" + SEQ.incrementAndGet();
  }

  /** A rig host ({@link #addHost}) with an operator's token and the token of its agent. */
  public record RigHost(String operator, String host, String agent) {}

  /** Stores the rig's report as a new host named {@code prefix-N} and makes both tokens. */
  public static RigHost rigHost(String prefix) throws Exception {
    String operator = ApiClient.token(hostName(prefix + "-op"), "operator", null);
    String host = hostName(prefix);
    addHost(operator, host);
    return new RigHost(operator, host, ApiClient.token(hostName(prefix + "-agent"), "agent", host));
  }

  /** Stores the QEMU rig's report (soft-RoCE rxe0/rxe1, two NUMA nodes) as {@code host}. */
  public static void addHost(String operator, String host) throws Exception {
    if (rigReport == null) {
      String first = hostName("rig");
      ApiClient.importFixture(operator, "sysfs/qemu-rig-plain.tar.gz", first);
      rigReport =
          given()
              .auth()
              .oauth2(operator)
              .get("/api/v1/hosts/" + first + "/export?format=report")
              .then()
              .statusCode(200)
              .extract()
              .asByteArray();
    }
    given()
        .auth()
        .oauth2(operator)
        .contentType("application/octet-stream")
        .queryParam("host", host)
        .body(rigReport)
        .post("/api/v1/imports")
        .then()
        .statusCode(201);
  }

  /** POSTs a test body as {@code token}. */
  public static Response post(String token, String body) {
    return given()
        .auth()
        .oauth2(token)
        .contentType("application/json")
        .body(body)
        .post("/api/v1/bandwidth-tests");
  }

  /** A host-memcpy test body on {@code host}. */
  public static String memcpy(String host, int threads) {
    return "{\"kind\":\"host-memcpy\",\"source\":{\"host\":\""
        + host
        + "\",\"endpoint\":\"numa:0\"},\"target\":{\"host\":\""
        + host
        + "\",\"endpoint\":\"numa:1\"},\"size\":\"64M\",\"repetitions\":3,\"threads\":"
        + threads
        + "}";
  }

  /** A TCP test body from {@code source} to {@code target}. */
  public static String tcp(String source, String target) {
    return "{\"kind\":\"tcp\",\"source\":{\"host\":\""
        + source
        + "\",\"endpoint\":\"addr:10.0.0.1\"},\"target\":{\"host\":\""
        + target
        + "\",\"endpoint\":\"addr:10.0.0.2\"},\"durationSeconds\":5}";
  }

  /** Queues a test, expecting 201; returns its id. */
  public static long queue(String operator, String body) {
    return ((Number) post(operator, body).then().statusCode(201).extract().path("id")).longValue();
  }

  /** The agent's long poll. */
  public static Response poll(String agent, String host, int waitSeconds) {
    return given()
        .auth()
        .oauth2(agent)
        .queryParam("waitSeconds", waitSeconds)
        .get("/api/v1/agents/" + host + "/jobs");
  }

  /** An agent's event. */
  public static Response event(String agent, String host, long id, String body) {
    return given()
        .auth()
        .oauth2(agent)
        .contentType("application/json")
        .body(body)
        .post("/api/v1/agents/" + host + "/jobs/" + id + "/events");
  }

  /** A test as the API shows it. */
  public static Response get(String token, long id) {
    return given().auth().oauth2(token).get("/api/v1/bandwidth-tests/" + id);
  }
}
