package dev.fabricscope.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.ingest.KnownHosts;
import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.BadReports;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Report ingest: the happy path, the bad-input corpus, and who may write what. */
@QuarkusTest
class ReportsResourceTest {

  @Inject InventoryStore store;
  @Inject KnownHosts known;

  String agent;

  @BeforeEach
  void agentToken() {
    agent = ApiClient.token("corpus-agent-" + System.nanoTime(), "agent", "corpus-host");
  }

  Response send(String token, byte[] body) {
    return ApiClient.sendReport(token, body);
  }

  /** What must not change: row counts and the latest snapshot of every host. */
  record DbState(Map<String, Long> counts, List<String> latest) {}

  DbState state() {
    known.flush(); // last-seen times waiting in memory count as written
    return new DbState(
        store.rowCounts(),
        store.hosts(new InventoryStore.HostQuery(null, null, null, 0, 500)).items().stream()
            .map(h -> h.name() + "=" + h.latestSnapshotId() + "@" + h.lastSeen())
            .toList());
  }

  @Test
  void newThenUnchangedThenChanged() throws Exception {
    byte[] valid = ApiClient.resource("valid-report.json");
    String fresh = new String(valid, StandardCharsets.UTF_8).replace("corpus-host", "ingest-host");
    String token = ApiClient.token("ingest-agent", "agent", "ingest-host");
    send(token, fresh.getBytes(StandardCharsets.UTF_8))
        .then()
        .statusCode(201)
        .body("outcome", equalTo("CREATED"))
        .body("host", equalTo("ingest-host"));
    long rows = store.rowCounts().get("snapshots");
    send(token, fresh.getBytes(StandardCharsets.UTF_8))
        .then()
        .statusCode(200)
        .body("outcome", equalTo("UNCHANGED"));
    assertEquals(rows, store.rowCounts().get("snapshots"));
    String changed = fresh.replace("\"QEMU NVMe Ctrl\"", "\"QEMU NVMe Ctrl v2\"");
    send(token, changed.getBytes(StandardCharsets.UTF_8)).then().statusCode(201);
    assertEquals(2, store.snapshots("ingest-host").size());
  }

  @TestFactory
  Stream<DynamicTest> everyBadInputIsA4xxProblemAndLeavesNoTrace() throws Exception {
    List<Path> files = BadReports.corpusFiles();
    assertTrue(files.size() >= 25, files.toString());
    Stream<DynamicTest> fromFiles =
        files.stream()
            .map(
                f ->
                    DynamicTest.dynamicTest(
                        f.getFileName().toString(), () -> assertRefused(Files.readAllBytes(f))));
    byte[] deep = new byte[200_000];
    Arrays.fill(deep, 0, 100_000, (byte) '[');
    Arrays.fill(deep, 100_000, 200_000, (byte) ']');
    byte[] huge = new byte[100 * 1024 * 1024];
    Arrays.fill(huge, (byte) ' ');
    huge[0] = '{';
    huge[huge.length - 1] = '}';
    return Stream.concat(
        fromFiles,
        Stream.of(
            DynamicTest.dynamicTest("nesting-10^5-deep", () -> assertRefused(deep)),
            DynamicTest.dynamicTest("body-100MB", () -> assertRefusedUnread(huge)),
            DynamicTest.dynamicTest("empty-body", () -> assertRefused(new byte[0]))));
  }

  void assertRefused(byte[] body) {
    DbState before = state();
    Response r = send(agent, body);
    int status = r.statusCode();
    assertTrue(status >= 400 && status < 500, "status " + status + ": " + r.asString());
    assertTrue(
        r.contentType().startsWith("application/problem+json"), "content type " + r.contentType());
    assertEquals(status, (int) r.path("status"));
    assertTrue(r.<String>path("detail").length() > 10, r.asString());
    assertEquals(before, state(), "the database must be unchanged");
  }

  /**
   * A body refused before it is read (beyond the HTTP layer's bound): the server answers and closes
   * while the client still writes, which only a raw socket reads back (RestAssured sees a broken
   * pipe).
   */
  void assertRefusedUnread(byte[] body) throws Exception {
    DbState before = state();
    dev.fabricscope.testing.RawHttp.Answer a =
        dev.fabricscope.testing.RawHttp.send(
            io.restassured.RestAssured.port,
            "POST",
            "/api/v1/reports",
            "Authorization: Bearer " + agent + "\r\nContent-Type: application/json",
            body);
    assertEquals(413, a.status(), a.body());
    assertTrue(a.contentType().startsWith("application/problem+json"), a.contentType());
    assertEquals(before, state(), "the database must be unchanged");
  }

  @Test
  void rolesDecideWhoMayWrite() throws Exception {
    byte[] valid = ApiClient.resource("valid-report.json");
    String other = ApiClient.token("other-agent", "agent", "some-other-host");
    send(other, valid)
        .then()
        .statusCode(403)
        .contentType("application/problem+json")
        .body("detail", containsString("some-other-host"));
    String viewer = ApiClient.token("a-viewer", "viewer", null);
    send(viewer, valid).then().statusCode(403);
    given()
        .auth()
        .oauth2(viewer)
        .body("<topology/>".getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .post("/api/v1/imports")
        .then()
        .statusCode(403);
    send("fsk_not-a-token", valid).then().statusCode(401);
    given()
        .contentType("application/json")
        .body(valid)
        .post("/api/v1/reports")
        .then()
        .statusCode(401);
    // a revoked token is refused
    Response created =
        given()
            .auth()
            .oauth2(ApiClient.ADMIN)
            .contentType("application/json")
            .body("{\"name\":\"short-lived\",\"role\":\"agent\",\"host\":\"corpus-host\"}")
            .post("/api/v1/tokens");
    String secret = created.path("secret");
    int id = created.path("token.id");
    given().auth().oauth2(ApiClient.ADMIN).delete("/api/v1/tokens/" + id).then().statusCode(204);
    send(secret, valid).then().statusCode(401).body("detail", containsString("revoked"));
    // viewers read, but cannot manage tokens
    given().auth().oauth2(viewer).get("/api/v1/tokens").then().statusCode(403);
  }

  @Test
  void heartbeatMovesLastSeenOrAsksForTheReport() throws Exception {
    byte[] valid = ApiClient.resource("valid-report.json");
    String fresh = new String(valid, StandardCharsets.UTF_8).replace("corpus-host", "hb-host");
    String token = ApiClient.token("hb-agent", "agent", "hb-host");
    send(token, fresh.getBytes(StandardCharsets.UTF_8)).then().statusCode(201);
    String hash = store.latestHash("hb-host").orElseThrow();
    given()
        .auth()
        .oauth2(token)
        .contentType("application/json")
        .body("{\"host\":\"hb-host\",\"contentHash\":\"" + hash + "\"}")
        .post("/api/v1/reports/heartbeat")
        .then()
        .statusCode(204);
    given()
        .auth()
        .oauth2(token)
        .contentType("application/json")
        .body("{\"host\":\"hb-host\",\"contentHash\":\"00\"}")
        .post("/api/v1/reports/heartbeat")
        .then()
        .statusCode(409)
        .contentType("application/problem+json");
  }

  /**
   * A heartbeat whose body names no host is judged by role first (eleventh review, not rated): a
   * viewer or an operator gets 403 whatever the body, an agent 400, and no token 401.
   */
  @Test
  void aMalformedHeartbeatIsJudgedByRoleFirst() {
    String viewer = ApiClient.token("hb-bad-viewer-" + System.nanoTime(), "viewer", null);
    String operator = ApiClient.token("hb-bad-op-" + System.nanoTime(), "operator", null);
    String agent = ApiClient.token("hb-bad-agent-" + System.nanoTime(), "agent", "hb-bad-host");
    for (String body : List.of("{}", "{\"host\":\"hb-bad-host\"}", "{\"contentHash\":\"00\"}")) {
      for (var e : Map.of(viewer, 403, operator, 403, agent, 400).entrySet()) {
        given()
            .auth()
            .oauth2(e.getKey())
            .contentType("application/json")
            .body(body)
            .post("/api/v1/reports/heartbeat")
            .then()
            .statusCode(e.getValue())
            .contentType("application/problem+json");
      }
      given()
          .contentType("application/json")
          .body(body)
          .post("/api/v1/reports/heartbeat")
          .then()
          .statusCode(401);
    }
  }
}
