package dev.fabricscope.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With {@code fabricscope.auth.anonymous-read=true} (the test profile, as the README's quick
 * start), a request without credentials is answered only under {@code localhost}, an IP address or
 * a name of {@code fabricscope.http.allowed-hosts} (the test profile lists {@code
 * fabricscope.test.example}); under any other name it is a 421 problem (eighteenth security review,
 * finding 4: a DNS-rebinding page read the whole inventory under its own name). Requests with a
 * token are not judged by name. Every request here is sent over a plain socket with the Host header
 * as given.
 */
@QuarkusTest
class AnonymousReadHostsTest {

  static final String LISTED = "fabricscope.test.example";

  static String viewer;

  @BeforeEach
  void token() {
    if (viewer == null) {
      viewer = ApiClient.token("rebind-viewer", "viewer", null);
    }
  }

  /** An answer's status line and head. */
  record Head(int status, String text) {}

  /** GETs {@code path} under {@code host} (with a token when not null); reads the answer's head. */
  static Head get(String path, String host, String token) throws Exception {
    return withAuthorization(path, host, token == null ? null : "Bearer " + token);
  }

  /** GETs {@code path} under {@code host} with this Authorization value as it is (none: null). */
  static Head withAuthorization(String path, String host, String authorization) throws Exception {
    String head =
        "GET "
            + path
            + " HTTP/1.1\r\nHost: "
            + host
            + "\r\nAccept: */*\r\nConnection: close\r\n"
            + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
            + "\r\n";
    try (Socket s = new Socket("127.0.0.1", RestAssured.port)) {
      s.setSoTimeout(15_000);
      s.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      // the head and what came with it: an event stream does not end
      byte[] b = new byte[8192];
      for (int n;
          !got.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")
              && (n = in.read(b)) > 0; ) {
        got.write(b, 0, n);
      }
      String text = got.toString(StandardCharsets.UTF_8);
      return new Head(
          text.startsWith("HTTP/1.1 ") ? Integer.parseInt(text.substring(9, 12)) : 0, text);
    }
  }

  static void answered(String path, String host) throws Exception {
    Head h = get(path, host, null);
    assertTrue(
        h.status() != 421 && h.status() != 401 && h.status() != 403,
        host + " " + path + ": " + h.text());
  }

  static void misdirected(String path, String host) throws Exception {
    Head h = get(path, host, null);
    assertEquals(421, h.status(), host + " " + path + ": " + h.text());
    assertTrue(
        h.text().toLowerCase(Locale.ROOT).contains("content-type: application/problem+json"),
        h.text());
  }

  static final String HOSTS = "/api/v1/hosts?limit=1";

  @Test
  void loopbackNamesAndAddressesAreAnswered() throws Exception {
    int port = RestAssured.port;
    answered(HOSTS, "localhost");
    answered(HOSTS, "localhost:" + port);
    answered(HOSTS, "LocalHost:" + port);
    answered(HOSTS, "127.0.0.1:" + port);
    answered(HOSTS, "127.8.9.10");
    answered(HOSTS, "[::1]:" + port);
  }

  @Test
  void anyIpAddressIsAnswered() throws Exception {
    answered(HOSTS, "10.1.2.3");
    answered(HOSTS, "192.168.7.1:8080");
    answered(HOSTS, "[fd00::17]:8080");
  }

  @Test
  void aRebindingNameIsMisdirected() throws Exception {
    misdirected(HOSTS, "rebind.attacker.example:" + RestAssured.port);
    misdirected(HOSTS, "rebind.attacker.example");
    misdirected(HOSTS, "localhost.attacker.example");
    misdirected(HOSTS, "127.0.0.1.nip.io");
    Head h = get(HOSTS, "rebind.attacker.example", null);
    assertTrue(h.text().contains("fabricscope.http.allowed-hosts"), h.text());
  }

  @Test
  void aListedNameIsAnswered() throws Exception {
    answered(HOSTS, LISTED);
    answered(HOSTS, "Fabricscope.Test.Example:443");
    misdirected(HOSTS, "evil-" + LISTED);
    misdirected(HOSTS, LISTED + ".attacker.example");
  }

  @Test
  void aRequestWithATokenIsAnsweredUnderAnyName() throws Exception {
    assertEquals(200, get(HOSTS, "rebind.attacker.example", viewer).status());
    assertEquals(200, get(HOSTS, "rebind.attacker.example", ApiClient.ADMIN).status());
    // a token that is no token is a 401, whatever the name
    assertEquals(401, get(HOSTS, "rebind.attacker.example", "made-up").status());
  }

  @Test
  void pagesEventStreamsAndMetricsAreJudgedTheSame() throws Exception {
    for (String path :
        List.of(
            "/",
            "/findings",
            "/fabric",
            "/api/v1/findings",
            "/api/v1/bandwidth-tests",
            "/api/v1/fabric",
            "/api/v1/host-events/no-such-host",
            "/q/metrics")) {
      misdirected(path, "rebind.attacker.example:" + RestAssured.port);
      answered(path, "localhost:" + RestAssured.port);
      answered(path, LISTED);
      Head withToken = get(path, "rebind.attacker.example", viewer);
      assertTrue(withToken.status() != 421, path + ": " + withToken.text());
    }
  }

  /**
   * Nineteenth security review, finding 1: {@code /q/metrics} under a rebinding name was served to
   * any request that carried an Authorization header, whatever it held (a rebound page may set one
   * without a preflight): the header skipped the name check, and the token was never looked at.
   * Fixed and generated values: none is served; a real token still is.
   */
  @Test
  void metricsWithMadeUpCredentialsUnderARebindingNameAreRefused() throws Exception {
    Random r = new Random(19);
    List<String> values =
        new java.util.ArrayList<>(
            List.of("x", "Bearer wrong", "Bearer", "Basic Zm9vOmJhcg==", "bearer made-up"));
    for (int i = 0; i < 25; i++) {
      StringBuilder v = new StringBuilder(r.nextBoolean() ? "Bearer " : "");
      for (int k = 1 + r.nextInt(40); k > 0; k--) {
        v.append((char) (0x21 + r.nextInt(0x7e - 0x21)));
      }
      values.add(v.toString());
    }
    for (String v : values) {
      Head h = withAuthorization("/q/metrics", "rebind.attacker.example", v);
      assertTrue(
          h.status() == 401 || h.status() == 403 || h.status() == 400, "'" + v + "': " + h.text());
      assertTrue(!h.text().contains("fabricscope_hosts"), v);
    }
    assertEquals(200, get("/q/metrics", "rebind.attacker.example", viewer).status());
    assertEquals(421, withAuthorization("/q/metrics", "rebind.attacker.example", null).status());
  }

  @Test
  void anAnonymousReadOnlyPostUnderARebindingNameIsRefusedUnread() throws Exception {
    String head =
        "POST /api/v1/plans/select HTTP/1.1\r\nHost: rebind.attacker.example\r\n"
            + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n";
    dev.fabricscope.testing.RawHttp.Answer a =
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
            java.time.Duration.ofSeconds(15),
            () ->
                dev.fabricscope.testing.RawHttp.exchange(
                    RestAssured.port, head.getBytes(StandardCharsets.ISO_8859_1), null));
    assertEquals(421, a.status(), a.body());
    assertTrue(a.contentType().startsWith("application/problem+json"), a.contentType());
  }

  /** One generated Host value and whether anonymous reads are answered under it. */
  record Case(String host, boolean answered) {}

  static String port(Random r) {
    return r.nextBoolean() ? "" : ":" + (1 + r.nextInt(65535));
  }

  static String octet(Random r) {
    return String.valueOf(r.nextInt(256));
  }

  static String label(Random r) {
    String letters = "abcdefghijklmnopqrstuvwxyz0123456789-";
    StringBuilder b = new StringBuilder("n");
    for (int i = r.nextInt(10); i > 0; i--) {
      b.append(letters.charAt(r.nextInt(letters.length())));
    }
    return b.append('x').toString();
  }

  static String mixedCase(Random r, String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      b.append(r.nextBoolean() ? Character.toUpperCase(c) : c);
    }
    return b.toString();
  }

  /** A Host value built to be answered or not, by kind (the rule written out once more). */
  static Case generated(Random r) {
    String ip = octet(r) + "." + octet(r) + "." + octet(r) + "." + octet(r);
    return switch (r.nextInt(11)) {
      case 0 -> new Case(mixedCase(r, "localhost") + port(r), true);
      case 1 -> new Case("127." + octet(r) + "." + octet(r) + "." + octet(r) + port(r), true);
      case 2 -> new Case(ip + port(r), true);
      case 3 ->
          new Case(
              "["
                  + Integer.toHexString(r.nextInt(0xffff))
                  + "::"
                  + Integer.toHexString(r.nextInt(0xffff))
                  + "]"
                  + port(r),
              true);
      case 4 -> new Case("[::1]" + port(r), true);
      case 5 -> new Case(mixedCase(r, LISTED) + (r.nextBoolean() ? "." : "") + port(r), true);
      case 6 -> new Case(label(r) + ".attacker.example" + port(r), false);
      case 7 -> new Case(ip + "." + label(r) + ".example" + port(r), false);
      case 8 -> new Case(label(r) + "." + LISTED + port(r), false);
      case 9 -> new Case("localhost." + label(r) + port(r), false);
      default ->
          new Case(
              octet(r) + "." + octet(r) + "." + (256 + r.nextInt(700)) + "." + octet(r) + port(r),
              false);
    };
  }

  @Test
  void generatedHostsAreAnsweredByTheRule() throws Exception {
    Random r = new Random(20261209);
    Set<String> listed = AnonymousReads.listed(List.of(LISTED));
    int misdirected = 0;
    for (int i = 0; i < 3000; i++) {
      Case c = generated(r);
      assertEquals(c.answered(), AnonymousReads.answered(c.host(), listed), c.host());
      if (i < 150) {
        int status = get(HOSTS, c.host(), null).status();
        assertEquals(c.answered() ? 200 : 421, status, c.host());
        misdirected += status == 421 ? 1 : 0;
        if (i % 15 == 0) {
          // with a token, the name is not judged
          assertEquals(200, get(HOSTS, c.host(), viewer).status(), c.host());
        }
      }
    }
    assertTrue(misdirected > 30, "generated misdirected requests: " + misdirected);
  }

  @Test
  void malformedHostsAreNotAnswered() {
    Set<String> listed = AnonymousReads.listed(List.of(LISTED));
    for (String h :
        List.of(
            "",
            " ",
            ":80",
            "localhost:",
            "localhost:http",
            "localhost:123456",
            "[::1",
            "[::1]x",
            "[zz::1]",
            "[]",
            "local host",
            "localhost/x",
            "a..b",
            "[::1]:80:80")) {
      assertEquals(false, AnonymousReads.answered(h, listed), "'" + h + "'");
    }
    assertEquals(false, AnonymousReads.answered(null, listed));
  }
}
