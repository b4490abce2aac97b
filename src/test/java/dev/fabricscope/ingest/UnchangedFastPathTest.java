package dev.fabricscope.ingest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.report.ContentHash;
import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Unchanged reports and heartbeats are answered from {@link KnownHosts} and their last-seen time
 * written behind; these tests hold that the write happens, that a restart (empty memory) falls back
 * to the database, and that a snapshot stored by another process is noticed. Every test flushes
 * when it means to: the periodic flush is pushed out of the way ({@link ExplicitFlush}), since one
 * landing between two steps (after another process's snapshot, before the send that must still be
 * answered from memory) would forget the host before the step that is to be tested.
 */
@QuarkusTest
@TestProfile(UnchangedFastPathTest.ExplicitFlush.class)
class UnchangedFastPathTest {

  /** No periodic last-seen flush during a test. */
  public static class ExplicitFlush implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("fabricscope.ingest.last-seen-flush", "1h");
    }
  }

  @Inject InventoryStore store;
  @Inject KnownHosts known;

  static Response send(String token, byte[] body) {
    return ApiClient.sendReport(token, body);
  }

  /**
   * The report an agent of this version sends: canonical JSON (ReportJson of the model), whose hash
   * is the content hash the fast path remembers. (An older agent's JSON, without fields added
   * since, is re-serialized on the slow path: still unchanged, only not from memory.)
   */
  static byte[] report(String host) throws Exception {
    String valid = new String(ApiClient.resource("valid-report.json"), StandardCharsets.UTF_8);
    return dev.fabricscope.report.ReportJson.write(
            dev.fabricscope.report.ReportJson.read(valid.replace("corpus-host", host)))
        .getBytes(StandardCharsets.UTF_8);
  }

  Instant lastSeen(String host) {
    known.flush();
    return store.host(host).orElseThrow().lastSeen();
  }

  @Test
  void anUnchangedReportMovesLastSeenOnceFlushed() throws Exception {
    byte[] body = report("fast-a");
    String token = ApiClient.token("fast-a", "agent", "fast-a");
    long id = send(token, body).then().statusCode(201).extract().jsonPath().getLong("snapshotId");
    Instant first = lastSeen("fast-a");
    Thread.sleep(5);
    send(token, body)
        .then()
        .statusCode(200)
        .body("outcome", equalTo("UNCHANGED"))
        .body("snapshotId", equalTo((int) id));
    assertTrue(lastSeen("fast-a").isAfter(first), "last-seen moved");
    assertEquals(1, store.snapshots("fast-a").size());
  }

  @Test
  void aHeartbeatMovesLastSeenOnceFlushed() throws Exception {
    byte[] body = report("fast-b");
    String token = ApiClient.token("fast-b", "agent", "fast-b");
    send(token, body).then().statusCode(201);
    Instant first = lastSeen("fast-b");
    Thread.sleep(5);
    given()
        .auth()
        .oauth2(token)
        .contentType("application/json")
        .body("{\"host\":\"fast-b\",\"contentHash\":\"" + known.get("fast-b").hash() + "\"}")
        .post("/api/v1/reports/heartbeat")
        .then()
        .statusCode(204);
    assertTrue(lastSeen("fast-b").isAfter(first));
  }

  @Test
  void afterARestartTheDatabaseConfirmsAnUnchangedReport() throws Exception {
    // stored as by an earlier server process: the database has it, this one's memory does not
    byte[] body = report("fast-c");
    String hash = ContentHash.of(body);
    store.ingest(
        new InventoryStore.Ingest(
            "fast-c", body, hash, null, false, Map.of(), Instant.parse("2026-01-01T00:00:00Z")));
    assertNull(known.get("fast-c"));
    String token = ApiClient.token("fast-c", "agent", "fast-c");
    send(token, body).then().statusCode(200).body("outcome", equalTo("UNCHANGED"));
    assertNotNull(known.get("fast-c"), "remembered from now on");
    assertTrue(lastSeen("fast-c").isAfter(Instant.parse("2026-01-01T00:00:00Z")));
  }

  @Test
  void aSnapshotStoredByAnotherProcessIsNoticedAtTheNextFlush() throws Exception {
    byte[] body = report("fast-d");
    String token = ApiClient.token("fast-d", "agent", "fast-d");
    send(token, body).then().statusCode(201);
    // another server process sharing the database stores a newer snapshot of the host
    byte[] newer = report("fast-d-renamed");
    store.ingest(
        new InventoryStore.Ingest(
            "fast-d", newer, ContentHash.of(newer), null, false, Map.of(), Instant.now()));
    send(token, body).then().statusCode(200); // answered from this process's memory
    known.flush();
    assertNull(known.get("fast-d"), "the flush found another latest hash and forgot the host");
    send(token, body).then().statusCode(201).body("outcome", equalTo("CREATED"));
    assertEquals(3, store.snapshots("fast-d").size());
  }
}
