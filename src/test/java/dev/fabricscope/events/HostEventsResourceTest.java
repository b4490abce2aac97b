package dev.fabricscope.events;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The host events stream: access as the read API, a hello first, then one event per snapshot. */
@QuarkusTest
class HostEventsResourceTest {

  static final ObjectMapper JSON = new ObjectMapper();

  @TestHTTPResource("/")
  URL base;

  static void importFile(String token, String fixture, String host) throws Exception {
    ApiClient.importFixture(token, fixture, host);
  }

  @Test
  void accessIsTheReadApis() throws Exception {
    String operator = ApiClient.token("events-op-" + System.nanoTime(), "operator", null);
    String host = "events-access-" + System.nanoTime();
    importFile(operator, "sysfs/qemu-rig-plain.tar.gz", host);
    String agent = ApiClient.token("events-agent-" + System.nanoTime(), "agent", host);
    given().auth().oauth2("not-a-token").get("/api/v1/host-events/" + host).then().statusCode(401);
    given().auth().oauth2(agent).get("/api/v1/host-events/" + host).then().statusCode(403);
    given()
        .auth()
        .oauth2(operator)
        .get("/api/v1/host-events/no-such-host-" + System.nanoTime())
        .then()
        .statusCode(404);
  }

  @Test
  void helloThenOneEventPerNewSnapshot() throws Exception {
    String operator = ApiClient.token("events-op2-" + System.nanoTime(), "operator", null);
    String host = "events-live-" + System.nanoTime();
    importFile(operator, "sysfs/qemu-rig-plain.tar.gz", host);
    HttpResponse<java.io.InputStream> resp = openStream(host, operator);
    assertEquals(200, resp.statusCode());
    assertTrue(
        resp.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
      JsonNode hello = next(pool, in);
      assertEquals("hello", hello.get("type").asText());
      assertEquals(host, hello.get("host").asText());
      long first = hello.get("snapshotId").asLong();
      given()
          .auth()
          .oauth2(operator)
          .get("/api/v1/hosts/" + host + "/snapshots/" + first)
          .then()
          .statusCode(200)
          .body("host.name", org.hamcrest.Matchers.equalTo(host));
      given()
          .auth()
          .oauth2(operator)
          .get("/api/v1/hosts/" + host + "/snapshots/" + (first + 100000))
          .then()
          .statusCode(404);
      // An unchanged import adds no snapshot and sends nothing; a changed one sends one event.
      importFile(operator, "sysfs/qemu-rig-plain.tar.gz", host);
      importFile(operator, "sysfs/qemu-rig-iommu.tar.gz", host);
      JsonNode ev = next(pool, in);
      assertEquals("snapshot", ev.get("type").asText());
      assertEquals(host, ev.get("host").asText());
      assertTrue(ev.get("snapshotId").asLong() > first);
      assertTrue(ev.get("imported").asBoolean());
    } finally {
      pool.shutdownNow();
    }
  }

  /** Issue 9, item 11: revoking a token through the API ends its open streams at once. */
  @Test
  void revokingTheTokenEndsItsStream() throws Exception {
    String operator = ApiClient.token("events-op3-" + System.nanoTime(), "operator", null);
    String host = "events-revoke-" + System.nanoTime();
    importFile(operator, "sysfs/qemu-rig-plain.tar.gz", host);
    io.restassured.response.Response created = viewer();
    String secret = created.path("secret");
    int id = created.path("token.id");
    assertStreamEnds(
        host,
        secret,
        () ->
            given()
                .auth()
                .oauth2(ApiClient.ADMIN)
                .delete("/api/v1/tokens/" + id)
                .then()
                .statusCode(204),
        3);
    // new snapshots after the revocation reach nobody with that token
    importFile(operator, "sysfs/qemu-rig-iommu.tar.gz", host);
    given().auth().oauth2(secret).get("/api/v1/host-events/" + host).then().statusCode(401);
  }

  /**
   * A revocation through another replica reaches this one only through the database: the stream
   * re-reads its token every {@link HostEventsResource#TOKEN_RECHECK} and ends within that.
   */
  @Test
  void aRevocationInTheDatabaseAloneEndsTheStreamWithinTheRecheck() throws Exception {
    String operator = ApiClient.token("events-op4-" + System.nanoTime(), "operator", null);
    String host = "events-replica-" + System.nanoTime();
    importFile(operator, "sysfs/qemu-rig-plain.tar.gz", host);
    io.restassured.response.Response created = viewer();
    long id = ((Number) created.path("token.id")).longValue();
    assertStreamEnds(
        host,
        created.path("secret"),
        () -> tokens.revoke(id, java.time.Instant.now()),
        HostEventsResource.TOKEN_RECHECK.toSeconds() + 3);
  }

  @jakarta.inject.Inject dev.fabricscope.inventory.TokenStore tokens;

  static io.restassured.response.Response viewer() {
    return given()
        .auth()
        .oauth2(ApiClient.ADMIN)
        .contentType("application/json")
        .body("{\"name\":\"sse-viewer-" + System.nanoTime() + "\",\"role\":\"viewer\"}")
        .post("/api/v1/tokens");
  }

  /** Opens a host's event stream with a bearer token. */
  HttpResponse<java.io.InputStream> openStream(String host, String token) throws Exception {
    return openStream(HttpClient.newHttpClient(), base, host, token);
  }

  /** Opens a host's event stream on the server at {@code base}, through {@code client}. */
  static HttpResponse<java.io.InputStream> openStream(
      HttpClient client, URL base, String host, String token) throws Exception {
    HttpRequest req =
        HttpRequest.newBuilder(
                URI.create(base.toString().replaceAll("/$", "") + "/api/v1/host-events/" + host))
            .header("Authorization", "Bearer " + token)
            .header("Accept", "text/event-stream")
            .build();
    return client.send(req, HttpResponse.BodyHandlers.ofInputStream());
  }

  /** Opens the stream, reads the hello, runs {@code revoke}, then expects the end within s. */
  void assertStreamEnds(String host, String secret, Runnable revoke, long seconds)
      throws Exception {
    assertEnds(openStream(host, secret), revoke, seconds);
  }

  /** Reads the stream's hello, runs {@code end}, then expects the stream to end within s. */
  static void assertEnds(HttpResponse<java.io.InputStream> resp, Runnable end, long seconds)
      throws Exception {
    assertEquals(200, resp.statusCode());
    ExecutorService pool = Executors.newSingleThreadExecutor();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8));
    try {
      assertEquals("hello", next(pool, in).get("type").asText());
      end.run();
      Future<String> rest =
          pool.submit(
              () -> {
                StringBuilder b = new StringBuilder();
                for (String l; (l = in.readLine()) != null; ) {
                  b.append(l).append('\n');
                }
                return b.toString();
              });
      // the stream ends (readLine gives null), with no event after the end
      assertEquals("", rest.get(seconds, TimeUnit.SECONDS).strip());
    } finally {
      // the body stream, not the reader: a reader blocked in readLine holds the reader's lock
      resp.body().close();
      pool.shutdownNow();
    }
  }

  /** The next event's JSON data, within 10 s. */
  static JsonNode next(ExecutorService pool, BufferedReader in) throws Exception {
    Future<String> line =
        pool.submit(
            () -> {
              String l;
              while ((l = in.readLine()) != null) {
                if (l.startsWith("data:")) {
                  return l.substring(5).strip();
                }
              }
              throw new IllegalStateException("the stream ended");
            });
    return JSON.readTree(line.get(10, TimeUnit.SECONDS));
  }
}
