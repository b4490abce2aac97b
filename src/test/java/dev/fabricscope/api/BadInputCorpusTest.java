package dev.fabricscope.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.ingest.KnownHosts;
import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.Compress;
import dev.fabricscope.testing.RawHttp;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Issue 9, items 6 and 12: every malformed request — body encoding, number, boolean, id, JSON type,
 * oversized URI, headers or body — is a 4xx {@code application/problem+json}, stores nothing, and
 * leaves the server answering. Sent over raw sockets, so a dropped connection shows as status 0.
 */
@QuarkusTest
class BadInputCorpusTest {

  static final ObjectMapper JSON = new ObjectMapper();

  @TestHTTPResource("/")
  URL base;

  @Inject InventoryStore store;
  @Inject KnownHosts known;

  static String agent;
  static String admin = ApiClient.ADMIN;

  @BeforeEach
  void token() {
    if (agent == null) {
      agent = ApiClient.token("bad-input-agent", "agent", "corpus-host");
    }
  }

  /** One malformed request. */
  record Case(String name, String method, String target, String headers, byte[] body, int status) {}

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  List<Case> corpus() throws Exception {
    byte[] report = ApiClient.resource("valid-report.json");
    String auth = "Authorization: Bearer " + agent;
    String json = auth + "\r\nContent-Type: application/json";
    String read = "Authorization: Bearer " + admin;
    String reports = "/api/v1/reports";
    String hb = "/api/v1/reports/heartbeat";
    return List.of(
        // item 6: malformed Content-Encoding
        new Case(
            "plain-labelled-gzip",
            "POST",
            reports,
            json + "\r\nContent-Encoding: gzip",
            report,
            400),
        new Case(
            "gzip-labelled-deflate",
            "POST",
            reports,
            json + "\r\nContent-Encoding: deflate",
            Compress.gzip(report),
            400),
        new Case(
            "truncated-gzip",
            "POST",
            reports,
            json + "\r\nContent-Encoding: gzip",
            java.util.Arrays.copyOf(Compress.gzip(report), 100),
            400),
        new Case(
            "empty-gzip", "POST", reports, json + "\r\nContent-Encoding: gzip", new byte[0], 400),
        new Case(
            "garbage-labelled-br",
            "POST",
            reports,
            json + "\r\nContent-Encoding: br",
            utf8("\u0001garbage"),
            415),
        new Case(
            "unknown-coding",
            "POST",
            reports,
            json + "\r\nContent-Encoding: zstd;q=1",
            report,
            415),
        new Case(
            "gzip-bomb",
            "POST",
            reports,
            json + "\r\nContent-Encoding: gzip",
            Compress.gzipBomb(),
            413),
        new Case(
            "heartbeat-plain-labelled-gzip",
            "POST",
            hb,
            json + "\r\nContent-Encoding: gzip",
            utf8("{\"host\":\"corpus-host\",\"contentHash\":\"00\"}"),
            400),
        // item 12: numbers, booleans and ids
        new Case("limit-abc", "GET", "/api/v1/hosts?limit=abc", read, null, 400),
        new Case("limit-2^40", "GET", "/api/v1/hosts?limit=1099511627776", read, null, 400),
        new Case("offset-2^31", "GET", "/api/v1/hosts?offset=2147483648", read, null, 400),
        new Case("hasGpu-maybe", "GET", "/api/v1/hosts?hasGpu=maybe", read, null, 400),
        new Case("snapshot-abc", "GET", "/api/v1/hosts/corpus-host/snapshots/abc", read, null, 400),
        new Case(
            "diff-from-abc", "GET", "/api/v1/hosts/corpus-host/diff?from=abc", read, null, 400),
        new Case("page-offset-abc", "GET", "/?offset=abc", read, null, 400),
        new Case("token-id-abc", "DELETE", "/api/v1/tokens/abc", read, null, 400),
        // item 12: a heartbeat with wrong JSON types
        new Case(
            "heartbeat-host-object",
            "POST",
            hb,
            json,
            utf8("{\"host\":{},\"contentHash\":\"00\"}"),
            400),
        new Case(
            "heartbeat-hash-array",
            "POST",
            hb,
            json,
            utf8("{\"host\":\"corpus-host\",\"contentHash\":[1]}"),
            400),
        new Case("heartbeat-array", "POST", hb, json, utf8("[\"corpus-host\"]"), 400),
        new Case("heartbeat-not-json", "POST", hb, json, utf8("{host: corpus-host"), 400),
        // item 12: the HTTP layer's own refusals
        new Case(
            "no-host-header",
            "RAW",
            "GET /api/v1/hosts HTTP/1.1\r\nConnection: close\r\n" + read + "\r\n\r\n",
            "",
            null,
            400),
        new Case("uri-bad-escape-root", "GET", "/%zz", read, null, 400),
        new Case("uri-bad-escape-path", "GET", "/api/v1/hosts/%zz", read, null, 400),
        new Case("uri-bad-escape-query", "GET", "/api/v1/hosts?name=%", read, null, 400),
        new Case("uri-bad-char", "GET", "/api/v1/hosts?name=a|b", read, null, 400),
        new Case("uri-10k", "GET", "/api/v1/hosts?name=" + "a".repeat(10_000), read, null, 414),
        new Case(
            "headers-30k",
            "GET",
            "/api/v1/hosts",
            read + "\r\nX-Big: " + "b".repeat(30_000),
            null,
            431),
        new Case(
            "body-declared-200M",
            "POST",
            reports,
            json + "\r\nContent-Length: 200000000",
            null,
            413));
  }

  @TestFactory
  Stream<DynamicTest> everyClassIsA4xxProblemThatStoresNothing() throws Exception {
    return corpus().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> assertRefused(c)));
  }

  /** Many generated values and bodies, each checked for the same three properties. */
  @Test
  void generatedMalformedValuesAndBodies() throws Exception {
    Random random = new Random(9);
    String read = "Authorization: Bearer " + admin;
    String json = "Authorization: Bearer " + agent + "\r\nContent-Type: application/json";
    List<String> numbers =
        new ArrayList<>(
            List.of("", " ", "-", "+1", "1e3", "0x10", "1.0", "NaN", "9".repeat(30), "%00", "١"));
    for (int i = 0; i < 20; i++) {
      numbers.add(Long.toString(Integer.MAX_VALUE + 1L + random.nextInt(1 << 30)));
      numbers.add(Integer.toString(random.nextInt(1000)) + (char) ('a' + random.nextInt(26)));
    }
    List<Case> cases = new ArrayList<>();
    for (String n : numbers) {
      String v = java.net.URLEncoder.encode(n, StandardCharsets.UTF_8);
      if (!n.isBlank()) {
        cases.add(new Case("limit=" + n, "GET", "/api/v1/hosts?limit=" + v, read, null, 400));
        cases.add(new Case("offset=" + n, "GET", "/api/v1/hosts?offset=" + v, read, null, 400));
        if (!n.matches("[0-9]+")) { // a well-formed id is a 404 here (no such snapshot)
          cases.add(
              new Case(
                  "from=" + n, "GET", "/api/v1/hosts/corpus-host/diff?from=" + v, read, null, 400));
        }
        cases.add(new Case("hasGpu=" + n, "GET", "/api/v1/hosts?hasGpu=" + v, read, null, 400));
      }
    }
    // request URIs java.net.URI refuses: a bad escape or a character URIs do not allow, anywhere
    String[] bad = {"%", "%z", "%g0", "%zz", "|", "^", "`", "{", "}", "\\", "\"", "<", ">"};
    String[] at = {"/", "/api/v1/", "/api/v1/hosts/", "/api/v1/hosts?name=", "/q/health?x="};
    for (int i = 0; i < 40; i++) {
      String uri = at[random.nextInt(at.length)] + "a" + bad[random.nextInt(bad.length)] + "b";
      cases.add(new Case("uri " + uri, "GET", uri, read, null, 400));
    }
    for (int i = 0; i < 30; i++) {
      byte[] garbage = new byte[1 + random.nextInt(4096)];
      random.nextBytes(garbage);
      String coding = i % 2 == 0 ? "gzip" : "deflate";
      cases.add(
          new Case(
              "random-" + coding + "-" + i,
              "POST",
              "/api/v1/reports",
              json + "\r\nContent-Encoding: " + coding,
              garbage,
              400));
    }
    assertTrue(cases.size() > 190, "cases: " + cases.size());
    for (Case c : cases) {
      assertRefused(c);
    }
  }

  /** The agent's {@code run --gzip} and a deflate client still get their reports stored. */
  @Test
  void wellEncodedBodiesAreDecoded() throws Exception {
    String plain = new String(ApiClient.resource("valid-report.json"), StandardCharsets.UTF_8);
    int port = base.getPort();
    String auth = "Authorization: Bearer " + ApiClient.ADMIN + "\r\nContent-Type: application/json";
    RawHttp.Answer gz =
        RawHttp.send(
            port,
            "POST",
            "/api/v1/reports",
            auth + "\r\nContent-Encoding: gzip",
            Compress.gzip(utf8(plain.replace("corpus-host", "gzip-host"))));
    assertEquals(201, gz.status(), gz.body());
    RawHttp.Answer df =
        RawHttp.send(
            port,
            "POST",
            "/api/v1/reports",
            auth + "\r\nContent-Encoding: deflate",
            Compress.deflate(utf8(plain.replace("corpus-host", "deflate-host"))));
    assertEquals(201, df.status(), df.body());
    assertEquals("deflate-host", JSON.readTree(df.body()).get("host").asText());
  }

  void assertRefused(Case c) throws Exception {
    int port = base.getPort();
    Object before = state();
    RawHttp.Answer a;
    if (c.method().equals("RAW")) {
      a = RawHttp.exchange(port, c.target().getBytes(StandardCharsets.ISO_8859_1), null);
    } else if (c.name().equals("body-declared-200M")) {
      String head =
          c.method()
              + " "
              + c.target()
              + " HTTP/1.1\r\nHost: localhost\r\n"
              + c.headers()
              + "\r\n\r\n";
      a = RawHttp.exchange(port, head.getBytes(StandardCharsets.ISO_8859_1), new byte[1024]);
    } else {
      a = RawHttp.send(port, c.method(), c.target(), c.headers(), c.body());
    }
    String what = c.name() + " -> " + a.status() + " " + a.contentType() + " " + a.body();
    assertEquals(c.status(), a.status(), what);
    assertTrue(a.contentType().startsWith("application/problem+json"), what);
    JsonNode problem = JSON.readTree(a.body());
    assertEquals(c.status(), problem.get("status").asInt(), what);
    assertTrue(problem.get("detail").asText().length() > 5, what);
    assertEquals(before, state(), c.name() + ": nothing may be stored");
    RawHttp.Answer after =
        RawHttp.send(port, "GET", "/api/v1/hosts?limit=1", "Authorization: Bearer " + admin, null);
    assertEquals(200, after.status(), c.name() + ": the server must still answer");
  }

  Object state() {
    known.flush();
    Map<String, Long> counts = store.rowCounts();
    return List.of(
        counts,
        store.hosts(new InventoryStore.HostQuery(null, null, null, 0, 500)).items().stream()
            .map(h -> h.name() + "=" + h.latestSnapshotId() + "@" + h.lastSeen())
            .toList());
  }
}
