package dev.fabricscope.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.config.FabricscopeConfig;
import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.BandwidthClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How a whole answer ends besides its last byte (seventeenth security review): a reader at a steady
 * pace above the least one gets it all, whatever its first window did; a reader that is slow past
 * {@code fabricscope.answer-max-time} is cut off; an answer whose token is revoked ends within a
 * window. The report is the 12 MB text of {@link WholeReportsTest#report}.
 */
@QuarkusTest
class WholeAnswerEndsTest {

  static final long WINDOW_MS = 500;

  @Inject WholeReports whole;

  @Inject FabricscopeConfig config;

  static String host;
  static String viewer;
  static int textLength;

  @BeforeEach
  void bigHost() throws Exception {
    if (host == null) {
      host = BandwidthClient.hostName("ends-big");
      viewer = ApiClient.token(BandwidthClient.hostName("ends-viewer"), "viewer", null);
      String agent = ApiClient.token(BandwidthClient.hostName("ends-agent"), "agent", host);
      ApiClient.sendReport(agent, WholeReportsTest.report(host)).then().statusCode(201);
      textLength =
          given()
              .auth()
              .oauth2(viewer)
              .get("/api/v1/hosts/" + host + "/topology")
              .then()
              .statusCode(200)
              .extract()
              .asByteArray()
              .length;
    }
  }

  @AfterEach
  void configured() {
    whole.set(config.answerMinRate(), WholeReports.WINDOW_MS);
    whole.setMaxMillis(config.answerMaxTime().toMillis());
    whole.setScarceAtFree(WholeReports.RESERVED);
  }

  /** Asks for the topology as text on a plain socket and reads nothing yet. */
  static Socket ask(String token) throws IOException {
    Socket s = new Socket();
    s.setReceiveBufferSize(1 << 16);
    s.connect(new InetSocketAddress("127.0.0.1", RestAssured.port));
    s.getOutputStream()
        .write(
            ("GET /api/v1/hosts/"
                    + host
                    + "/topology HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                    + "Authorization: Bearer "
                    + token
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    return s;
  }

  /**
   * Reads the answer at about {@code bytesPerSecond} in 64 KiB steps until it ends or is cut off;
   * the bytes read (headers included).
   */
  static long readAt(Socket s, long bytesPerSecond) throws IOException, InterruptedException {
    s.setSoTimeout(5_000);
    InputStream in = s.getInputStream();
    byte[] buffer = new byte[1 << 16];
    long got = 0;
    long start = System.nanoTime();
    while (true) {
      int n;
      try {
        n = in.read(buffer);
      } catch (SocketTimeoutException | java.net.SocketException e) {
        return got;
      }
      if (n < 0) {
        return got;
      }
      got += n;
      long due = start + got * 1_000_000_000L / bytesPerSecond;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
    }
  }

  private void until(int expected, long millis, String what) throws InterruptedException {
    long end = System.nanoTime() + millis * 1_000_000;
    while (whole.inUse() != expected && System.nanoTime() < end) {
      Thread.sleep(20);
    }
    assertEquals(expected, whole.inUse(), what);
  }

  /**
   * Readers at 1.5 and 3 times the pace, without gzip, get the whole text: the pace is judged over
   * the whole answer, so the socket buffers filled in the first window are credit, not a window
   * with nothing written after them.
   */
  @Test
  void readersAboveThePaceGetTheWholeText() throws Exception {
    long rate = 2_000_000;
    whole.set(rate, WINDOW_MS);
    for (double times : new double[] {1.5, 3}) {
      try (Socket s = ask(viewer)) {
        long got = readAt(s, (long) (rate * times));
        assertTrue(got > textLength, times + " × the pace: " + got + " of " + textLength);
      }
      until(0, 3_000, "the place comes back");
    }
  }

  /**
   * A reader within the pace but slower than the longest time is cut off while places are scarce
   * (here: always), its place back.
   */
  @Test
  void aReaderPastTheLongestTimeIsCutOffWhilePlacesAreScarce() throws Exception {
    whole.set(0, WINDOW_MS);
    whole.setMaxMillis(1_500);
    whole.setScarceAtFree(WholeReports.AT_ONCE);
    long start = System.nanoTime();
    try (Socket s = ask(viewer)) {
      long got = readAt(s, 1_000_000); // 12 s for the whole text
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertTrue(got < textLength, "cut off: " + got + " of " + textLength);
      assertTrue(tookMs < 1_500 + 2 * WINDOW_MS + 5_000 + 1_000, "ended after " + tookMs + " ms");
    }
    until(0, 3_000, "the place comes back");
  }

  /** Revoking the token of an answer being written ends it within a window or two. */
  @Test
  void revokingTheTokenEndsItsAnswers() throws Exception {
    whole.set(0, WINDOW_MS);
    whole.setMaxMillis(0);
    io.restassured.response.Response created =
        given()
            .auth()
            .oauth2(ApiClient.ADMIN)
            .contentType("application/json")
            .body("{\"name\":\"" + BandwidthClient.hostName("ends-rev") + "\",\"role\":\"viewer\"}")
            .post("/api/v1/tokens");
    String secret = created.path("secret");
    int id = created.path("token.id");
    try (Socket s = ask(secret)) {
      until(1, 3_000, "the answer holds a place while the client reads nothing");
      long revoked = System.nanoTime();
      given().auth().oauth2(ApiClient.ADMIN).delete("/api/v1/tokens/" + id).then().statusCode(204);
      until(0, 4 * WINDOW_MS + 2_000, "the revoked token's answer ended");
      System.out.printf(
          "revoked answer ended after %d ms%n", (System.nanoTime() - revoked) / 1_000_000);
      long got = readAt(s, 100_000_000);
      assertTrue(got < textLength, "cut off: " + got + " of " + textLength);
    }
  }

  /** With places to spare, the same slow reader gets its whole answer past the longest time. */
  @Test
  void aSlowReaderGetsItsAnswerWhilePlacesAreToSpare() throws Exception {
    whole.set(0, WINDOW_MS);
    whole.setMaxMillis(1_000);
    try (Socket s = ask(viewer)) {
      long got = readAt(s, 8_000_000); // about 1.5 s for the whole text
      assertTrue(got > textLength, "the whole text: " + got + " of " + textLength);
    }
    until(0, 3_000, "the place comes back");
  }
}
