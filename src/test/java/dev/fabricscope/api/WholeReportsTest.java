package dev.fabricscope.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fabricscope.config.FabricscopeConfig;
import dev.fabricscope.path.HostBuilder;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.BandwidthClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.StreamResetException;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Whole reports and clients that stop reading: such a client had held one of the 8 places and its
 * worker thread until its connection's idle timeout (30 minutes), so eight sockets turned every
 * other reader of a large report away. Now a client that takes less than {@code
 * fabricscope.answer-min-rate} is cut off and its place comes back, and one caller holds at most 2
 * places. The report here is about 12 MB of text and 9 MB compressed (device names of random
 * characters), far more than the sockets between server and client hold; the pace is set to 100,000
 * bytes per second over windows of 0.5 s.
 */
@QuarkusTest
class WholeReportsTest {

  static final long RATE = 100_000;
  static final long WINDOW_MS = 500;

  @Inject WholeReports whole;

  @Inject Vertx vertx;

  @Inject FabricscopeConfig config;

  static String host;
  static String viewer;
  static int textLength;

  @BeforeEach
  void bigHostAndFastPace() throws Exception {
    if (host == null) {
      host = BandwidthClient.hostName("whole-big");
      viewer = ApiClient.token(BandwidthClient.hostName("whole-viewer"), "viewer", null);
      String agent = ApiClient.token(BandwidthClient.hostName("whole-agent"), "agent", host);
      ApiClient.sendReport(agent, report(host)).then().statusCode(201);
      textLength = fetch(viewer, false).body().length;
      int gzipLength = fetch(viewer, true).body().length;
      // more than a loopback connection holds in its socket buffers (about 4 MB, measured)
      assertTrue(gzipLength > 8_000_000, gzipLength + " bytes compressed");
    }
    whole.set(RATE, WINDOW_MS);
  }

  @AfterEach
  void configuredPace() {
    whole.set(config.answerMinRate(), WholeReports.WINDOW_MS);
  }

  /** 1,500 GPUs below their own root ports, each function named by 4,000 random characters. */
  static byte[] report(String name) throws Exception {
    HostBuilder b = HostBuilder.host();
    for (int i = 0; i < 1500; i++) {
      String rp = String.format("%04x:00:00.0", i);
      b.rootPort(rp, i % 2);
      b.gpu(String.format("%04x:01:00.0", i), rp, 16, 16);
    }
    ObjectNode json = (ObjectNode) ReportJson.mapper().valueToTree(b.build());
    ((ObjectNode) json.get("host")).put("name", name);
    Random random = new Random(14);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (var f : (ArrayNode) json.get("pci")) {
      var chars = new StringBuilder(4000);
      for (int i = 0; i < 4000; i++) {
        chars.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      ((ObjectNode) f).put("deviceName", chars.toString());
    }
    return ReportJson.mapper().writeValueAsBytes(json);
  }

  /** The topology as a client that reads at once gets it (decoded by hand: no Accept-Encoding). */
  static HttpResponse<byte[]> fetch(String token, boolean gzip) throws Exception {
    var request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:" + RestAssured.port + "/api/v1/hosts/" + host + "/topology"))
            .header("Authorization", "Bearer " + token);
    if (gzip) {
      request.header("Accept-Encoding", "gzip");
    }
    return HttpClient.newHttpClient()
        .send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Asks for the topology on a socket with a small receive buffer and reads nothing yet. */
  static Socket ask(String token, boolean gzip) throws IOException {
    return ask(token, gzip, "/topology");
  }

  /** Asks for the host's {@code view} (a path below the host) and reads nothing yet. */
  static Socket ask(String token, boolean gzip, String view) throws IOException {
    Socket s = new Socket();
    s.setReceiveBufferSize(4096);
    s.connect(new InetSocketAddress("127.0.0.1", RestAssured.port));
    s.getOutputStream()
        .write(
            ("GET /api/v1/hosts/"
                    + host
                    + view
                    + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                    + token
                    + "\r\n"
                    + (gzip ? "Accept-Encoding: gzip\r\n" : "")
                    + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    return s;
  }

  /** Reads {@code bytes} of the answer (or less, when it ends first); the count read. */
  static long read(Socket s, long bytes) throws IOException {
    s.setSoTimeout(10_000);
    InputStream in = s.getInputStream();
    byte[] buffer = new byte[8192];
    long got = 0;
    while (got < bytes) {
      int n;
      try {
        n = in.read(buffer, 0, (int) Math.min(buffer.length, bytes - got));
      } catch (SocketTimeoutException | java.net.SocketException e) {
        break;
      }
      if (n < 0) {
        break;
      }
      got += n;
    }
    return got;
  }

  private static void until(IntSupplier value, int expected, long millis, String what)
      throws InterruptedException {
    long end = System.nanoTime() + millis * 1_000_000;
    while (value.getAsInt() != expected && System.nanoTime() < end) {
      Thread.sleep(20);
    }
    assertEquals(expected, value.getAsInt(), what);
  }

  /** A stalled client, as text or gzip: cut off within a few windows, its place given back. */
  private void stalledAfter(long bytesRead, boolean gzip) throws Exception {
    String what = (gzip ? "gzip" : "text") + " client stopping after " + bytesRead + " bytes";
    try (Socket s = ask(viewer, gzip)) {
      long first = read(s, bytesRead);
      until(whole::inUse, 1, 3_000, what + ": holds a place while it is written");
      until(whole::inUse, 0, 6 * WINDOW_MS + 2_000, what + ": cut off and its place back");
      long total = first + read(s, Long.MAX_VALUE);
      assertTrue(total < (gzip ? textLength / 2 : textLength), what + ": got " + total + " bytes");
    }
  }

  @Test
  void aClientThatStopsReadingIsCutOffAndItsPlaceComesBack() throws Exception {
    stalledAfter(0, false);
    stalledAfter(0, true);
  }

  /**
   * The graph of the same host (several MB of text) is paced as the topology is (fifteenth security
   * review: its non-reading clients held 7 MB of heap each until the idle timeout).
   */
  @Test
  void aStalledGraphReaderIsCutOffAndItsPlaceComesBack() throws Exception {
    try (Socket s = ask(viewer, false, "/graph")) {
      until(whole::inUse, 1, 10_000, "the graph holds a place while it is written");
      until(whole::inUse, 0, 6 * WINDOW_MS + 2_000, "cut off and its place back");
      assertTrue(read(s, Long.MAX_VALUE) < textLength, "cut off before its end");
    }
  }

  @Test
  void stallsAtGeneratedPointsAreAllCutOff() throws Exception {
    Random random = new Random(2026);
    for (int i = 0; i < 8; i++) {
      stalledAfter(random.nextInt(400_000), random.nextBoolean());
    }
  }

  @Test
  void aClientThatReadsGetsTheWholeAnswerEitherWay() throws Exception {
    var text = fetch(viewer, false);
    assertEquals(200, text.statusCode());
    assertEquals(textLength, text.body().length);
    var gzip = fetch(viewer, true);
    assertEquals(200, gzip.statusCode());
    assertEquals("gzip", gzip.headers().firstValue("Content-Encoding").orElse(""));
    for (var answer : List.of(text, gzip)) {
      assertEquals("application/json", answer.headers().firstValue("Content-Type").orElse(""));
      assertEquals("no-store", answer.headers().firstValue("Cache-Control").orElse(""));
      assertEquals("Accept-Encoding", answer.headers().firstValue("Vary").orElse(""));
    }
    assertEquals(
        new String(text.body(), StandardCharsets.UTF_8), GzipJson.text(gzip.body()), "same JSON");
    until(whole::inUse, 0, 2_000, "places back");
  }

  /**
   * Over HTTP/2 (cleartext, prior knowledge) a stream that stops reading is reset, not its
   * connection: the client's next request on the same connection is answered whole. The client
   * gives each stream a window of 64 KiB, so the server's stream stalls at once. Before, Quarkus's
   * answer stream took the reset stream's unsent data for a connection error and sent a GOAWAY.
   */
  @Test
  void anHttp2StreamThatStopsReadingIsResetAndItsConnectionGoesOn() throws Exception {
    var client = http2Client();
    try {
      CompletableFuture<Throwable> stalledEnd = new CompletableFuture<>();
      CompletableFuture<HttpConnection> stalledOn = new CompletableFuture<>();
      topology(client)
          .compose(HttpClientRequest::send)
          .onSuccess(
              response -> {
                response.pause();
                stalledOn.complete(response.request().connection());
                response.exceptionHandler(stalledEnd::complete);
                response.endHandler(x -> stalledEnd.complete(null));
              })
          .onFailure(stalledEnd::complete);
      until(whole::inUse, 1, 3_000, "the stalled stream holds a place");
      Throwable end = stalledEnd.get(6 * WINDOW_MS + 5_000, TimeUnit.MILLISECONDS);
      assertTrue(end instanceof StreamResetException, "the stream was reset: " + end);
      until(whole::inUse, 0, 2_000, "its place back");
      assertSame(stalledOn.get(), wholeAnswerOn(client), "the next answer, on the same connection");
    } finally {
      client.close();
    }
  }

  /**
   * A client that resets its own HTTP/2 streams (a browser leaving the page), at generated points
   * of the answer and before it, gets every place back within a window: a stream reset before its
   * answer began had kept its place for good. All on one connection, which serves on: a reset
   * stream is the stream's end, not the connection's. The pace is 1 byte per second here, so
   * nothing is cut off for it.
   */
  @Test
  void http2StreamsTheClientResetsGiveTheirPlacesBack() throws Exception {
    whole.set(1, WINDOW_MS);
    Random random = new Random(2612);
    var client = http2Client(); // one connection: the resets must leave it serving
    try {
      HttpConnection first = null;
      for (int i = 0; i < 12; i++) {
        long after = i % 3 == 0 ? -1 : random.nextInt(60_000);
        CompletableFuture<HttpConnection> sent = new CompletableFuture<>();
        topology(client)
            .onSuccess(
                request -> {
                  if (after < 0) {
                    // sent whole (as a browser sends a GET), reset before any answer
                    request
                        .end()
                        .onComplete(
                            x -> {
                              request.reset();
                              sent.complete(request.connection());
                            });
                    return;
                  }
                  request
                      .send()
                      .onSuccess(
                          response -> {
                            long[] got = {0};
                            response.handler(
                                b -> {
                                  if (got[0] <= after && (got[0] += b.length()) > after) {
                                    request.reset();
                                    sent.complete(request.connection());
                                  }
                                });
                          })
                      .onFailure(sent::completeExceptionally);
                })
            .onFailure(sent::completeExceptionally);
        HttpConnection on = sent.get(10, TimeUnit.SECONDS);
        first = first == null ? on : first;
        assertSame(first, on, "reset " + i + " on the first connection");
        Thread.sleep(100);
        until(
            whole::inUse, 0, 3 * WINDOW_MS + 2_000, "reset after " + after + " bytes: place back");
      }
      assertSame(first, wholeAnswerOn(client), "the connection served on after 12 resets");
    } finally {
      client.close();
    }
  }

  private io.vertx.core.http.HttpClient http2Client() {
    return vertx.createHttpClient(
        new HttpClientOptions()
            .setProtocolVersion(HttpVersion.HTTP_2)
            .setHttp2ClearTextUpgrade(false)
            .setInitialSettings(new Http2Settings().setInitialWindowSize(65_535))
            .setDefaultHost("127.0.0.1")
            .setDefaultPort(RestAssured.port));
  }

  /** Reads the topology whole; the connection it came on. */
  private static HttpConnection wholeAnswerOn(io.vertx.core.http.HttpClient client)
      throws Exception {
    CompletableFuture<HttpConnection> on = new CompletableFuture<>();
    Buffer body =
        topology(client)
            .compose(HttpClientRequest::send)
            .compose(
                response -> {
                  on.complete(response.request().connection());
                  assertEquals(200, response.statusCode());
                  return response.body();
                })
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    assertEquals(textLength, body.length(), "answered whole");
    return on.get();
  }

  private static io.vertx.core.Future<HttpClientRequest> topology(
      io.vertx.core.http.HttpClient client) {
    return client
        .request(HttpMethod.GET, "/api/v1/hosts/" + host + "/topology")
        .map(r -> r.putHeader("Authorization", "Bearer " + viewer));
  }

  /** Six places per caller: a seventh ask is a 429, another caller still gets its answer. */
  @Test
  void oneCallerHoldsSixPlacesAtMost() throws Exception {
    whole.set(config.answerMinRate(), WholeReports.WINDOW_MS); // 10 s windows: the sockets stay
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < WholeReports.PER_CALLER; i++) {
        held.add(ask(viewer, i % 2 == 0));
      }
      until(whole::inUse, WholeReports.PER_CALLER, 3_000, "the caller's places held");
      given()
          .auth()
          .oauth2(viewer)
          .get("/api/v1/hosts/" + host + "/topology")
          .then()
          .statusCode(429)
          .header("Retry-After", "5")
          .contentType("application/problem+json");
      String other = ApiClient.token(BandwidthClient.hostName("whole-other"), "viewer", null);
      assertEquals(textLength, fetch(other, false).body().length, "another caller is answered");
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
    until(whole::inUse, 0, 5_000, "closed sockets give their places back");
    given().auth().oauth2(viewer).get("/api/v1/hosts/" + host + "/topology").then().statusCode(200);
  }
}
