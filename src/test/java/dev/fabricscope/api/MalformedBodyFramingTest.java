package dev.fabricscope.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.CapturedLogs;
import dev.fabricscope.testing.RawHttp;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A request body the client frames wrongly (a chunk size that overflows or is no number, a chunk
 * line beyond the decoder's limit, a connection cut or reset mid-body) is the client's fault
 * (eighteenth security review, finding 2: any token holder made the server log an ERROR with an
 * 80-line stack trace per request, even for writes its role may not make). It is answered 400 or
 * the connection closes, nothing is logged at ERROR nor with a stack trace, and the server goes on
 * answering. A chunked body for a write the sender's role may not make is refused before it is
 * read.
 */
@QuarkusTest
class MalformedBodyFramingTest {

  static String viewer;
  static String operator;
  static String agent;

  @BeforeEach
  void tokens() {
    if (viewer == null) {
      viewer = ApiClient.token("framing-viewer", "viewer", null);
      operator = ApiClient.token("framing-operator", "operator", null);
      agent = ApiClient.token("framing-agent", "agent", "framing-host");
    }
  }

  /** One write: who sends it where. */
  record Target(String method, String path, String token) {}

  /** What follows a valid first chunk ({@code 1\r\n{\r\n}); null: the client cuts the connection. */
  record Framing(String name, String bytes, boolean reset) {}

  static final List<Framing> FRAMINGS =
      List.of(
          new Framing("size overflow 2^32", "100000000\r\n", false),
          new Framing("size overflow 2^72", "ffffffffffffffffff\r\n", false),
          new Framing("size not hex", "zz\r\n", false),
          new Framing("negative size", "-1\r\n", false),
          new Framing("size line beyond the limit", "1;" + "x".repeat(70_000) + "\r\n", false),
          new Framing(
              "trailer beyond the limit", "0\r\nX: " + "a".repeat(70_000) + "\r\n\r\n", false),
          new Framing("cut mid-body", null, false),
          new Framing("reset mid-body", null, true));

  /** The head of a chunked write, its first chunk valid. */
  static String head(Target t) {
    return t.method()
        + " "
        + t.path()
        + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        + (t.token() == null ? "" : "Authorization: Bearer " + t.token() + "\r\n")
        + "Transfer-Encoding: chunked\r\n\r\n1\r\n{\r\n";
  }

  /**
   * Sends {@code t} with {@code f}: the head and first chunk, a pause of {@code pauseMillis} (the
   * resource starts reading), then the malformed rest. The answer's status, 0 when none came.
   */
  static int send(Target t, Framing f, int pauseMillis) throws Exception {
    try (Socket s = new Socket("127.0.0.1", RestAssured.port)) {
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      out.write(head(t).getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      Thread.sleep(pauseMillis);
      if (f.bytes() == null) {
        if (f.reset()) {
          s.setSoLinger(true, 0); // close sends a RST
        }
        return 0;
      }
      try {
        out.write(f.bytes().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      } catch (SocketException e) {
        // the server may have answered and closed already
      }
      byte[] answer = s.getInputStream().readAllBytes();
      String text = new String(answer, StandardCharsets.ISO_8859_1);
      return text.startsWith("HTTP/1.1 ") ? Integer.parseInt(text.substring(9, 12)) : 0;
    } catch (SocketException e) {
      return 0; // reset by the server
    }
  }

  static void quietAndStillAnswering(CapturedLogs logs, String what) throws Exception {
    given().auth().oauth2(viewer).get("/api/v1/hosts?limit=1").then().statusCode(200);
    Thread.sleep(200); // a failure handler on another thread may still be logging
    List<LogRecord> loud = logs.loud();
    assertTrue(loud.isEmpty(), what + " logged:\n" + CapturedLogs.describe(loud));
  }

  @Test
  void aChunkSizeOverflowIsAClientErrorLoggedQuietly() throws Exception {
    // the review's case: an admin's token creation (a body Jackson reads), the overflow sent once
    // the resource reads
    Target tokens = new Target("POST", "/api/v1/tokens", ApiClient.ADMIN);
    try (CapturedLogs logs = CapturedLogs.open()) {
      for (int i = 0; i < 5; i++) {
        int status = send(tokens, FRAMINGS.get(0), 150);
        assertTrue(status == 0 || status == 400, "answer " + status);
      }
      quietAndStillAnswering(logs, "a chunk size overflow");
    }
  }

  @Test
  void aMidBodyResetIsLoggedQuietly() throws Exception {
    Target plans = new Target("POST", "/api/v1/plans", operator);
    try (CapturedLogs logs = CapturedLogs.open()) {
      for (int i = 0; i < 3; i++) {
        send(plans, FRAMINGS.get(7), 150);
        send(plans, FRAMINGS.get(6), 150);
      }
      quietAndStillAnswering(logs, "a cut or reset body");
    }
  }

  /** The head of a chunked write with no chunk sent: an answer proves the body was not read. */
  static RawHttp.Answer chunkedHeadOnly(String method, String path, String token) {
    String head =
        method
            + " "
            + path
            + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
            + "Transfer-Encoding: chunked\r\n\r\n";
    return org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
        java.time.Duration.ofSeconds(15),
        () -> RawHttp.exchange(RestAssured.port, head.getBytes(StandardCharsets.ISO_8859_1), null),
        method + " " + path + " waited for its body");
  }

  static void refusedUnread(int status, String detail, RawHttp.Answer a) {
    assertEquals(status, a.status(), a.body());
    assertTrue(a.contentType().startsWith("application/problem+json"), a.contentType());
    assertTrue(a.body().contains(detail), a.body());
  }

  @Test
  void aViewersBodyForAnAdminWriteIsRefusedUnread() {
    refusedUnread(
        403,
        "needs the admin role; the sender is viewer",
        chunkedHeadOnly("POST", "/api/v1/tokens", viewer));
    refusedUnread(
        403,
        "needs the admin role; the sender is operator",
        chunkedHeadOnly("POST", "/api/v1/tokens", operator));
    refusedUnread(
        403,
        "needs the admin role; the sender is agent",
        chunkedHeadOnly("POST", "/api/v1/tokens/", agent));
    // anonymous reads (the test profile) send read-only bodies only
    refusedUnread(401, "bearer token is required", chunkedHeadOnly("POST", "/api/v1/tokens", null));
  }

  @Test
  void aViewersBodyForAnOperatorWriteIsRefusedUnread() {
    for (String path :
        List.of("/api/v1/plans", "/api/v1/plans/7/versions", "/api/v1/bandwidth-tests")) {
      refusedUnread(
          403,
          "needs the operator role; the sender is viewer",
          chunkedHeadOnly("POST", path, viewer));
      refusedUnread(
          403,
          "needs the operator role; the sender is agent",
          chunkedHeadOnly("POST", path, agent));
      refusedUnread(401, "bearer token is required", chunkedHeadOnly("POST", path, null));
    }
  }

  @Test
  void aViewersBodyForAnAgentWriteIsRefusedUnread() {
    for (String path :
        List.of(
            "/api/v1/reports/heartbeat",
            "/api/v1/agents/framing-host/capabilities",
            "/api/v1/agents/framing-host/jobs/3/events")) {
      refusedUnread(
          403, "needs an agent token; the sender is viewer", chunkedHeadOnly("POST", path, viewer));
      refusedUnread(
          403,
          "needs an agent token; the sender is operator",
          chunkedHeadOnly("PUT", path, operator));
    }
  }

  /**
   * Every framing, sent early or once the resource reads, to writes of every kind by senders who
   * may make them (their bodies are read): no ERROR, no stack trace, 400 or a closed connection,
   * and the server still answers.
   */
  @Test
  void generatedMalformedFramingsAreLoggedQuietly() throws Exception {
    List<Target> targets =
        List.of(
            new Target("POST", "/api/v1/tokens", ApiClient.ADMIN),
            new Target("POST", "/api/v1/plans", operator),
            new Target("POST", "/api/v1/plans/1/versions", operator),
            new Target("POST", "/api/v1/bandwidth-tests", operator),
            new Target("POST", "/api/v1/reports", agent),
            new Target("POST", "/api/v1/reports/heartbeat", agent),
            new Target("PUT", "/api/v1/agents/framing-host/capabilities", agent),
            new Target("POST", "/api/v1/imports?host=framing-import", operator),
            new Target("POST", "/api/v1/fabric/discoveries?name=framing", operator),
            new Target("POST", "/api/v1/plans/select", null),
            new Target("POST", "/api/v1/plans/select", viewer));
    Random random = new Random(20261208);
    try (CapturedLogs logs = CapturedLogs.open()) {
      for (int i = 0; i < 60; i++) {
        Target t = targets.get(random.nextInt(targets.size()));
        Framing f = FRAMINGS.get(random.nextInt(FRAMINGS.size()));
        int pause = random.nextBoolean() ? 0 : 50 + random.nextInt(150);
        int status = send(t, f, pause);
        if (status == 429) {
          // the sender's body share still counts its last malformed body, torn down a moment
          // after its connection ended (a CI run under load saw it once): the same case again
          Thread.sleep(300);
          status = send(t, f, pause);
        }
        String what = i + ": " + t + " " + f.name() + " after " + pause + " ms";
        assertTrue(status == 0 || status == 400, what + ": answer " + status);
        if (i % 10 == 9) {
          quietAndStillAnswering(logs, "up to " + what);
        }
      }
      quietAndStillAnswering(logs, "the generated framings");
    }
  }
}
