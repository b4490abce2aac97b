package dev.fabricscope.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.RawHttp;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Other spellings of a write's path are refused unread (tenth security review, finding 1): the
 * router matched {@code //api/v1/reports}, {@code /x/../api/v1/reports}, {@code /%61pi/v1/reports}
 * and {@code /api;x/v1/reports} to the agents' report endpoint while the body gate judged the raw
 * path and let their bodies through unbounded, unauthenticated; 48 bodies of 62 MB at once ran the
 * server out of heap. Each case declares 64 MiB and sends none of it: an answer at all proves the
 * body was not waited for.
 */
@QuarkusTest
class PathSpellingsTest {

  static final long BOMB = 64L << 20;
  static final List<String> WRITES =
      List.of(
          "/api/v1/reports",
          "/api/v1/imports",
          "/api/v1/fabric/discoveries",
          "/api/v1/tokens",
          "/api/v1/plans");

  static String agent;

  @BeforeEach
  void token() {
    if (agent == null) {
      agent = ApiClient.token("spelling-agent", "agent", "spelling-host");
    }
  }

  static RawHttp.Answer headOnly(String path, String token) {
    return RawHttp.headOnly(
        RestAssured.port,
        "POST",
        path,
        "Content-Type: application/json"
            + (token == null ? "" : "\r\nAuthorization: Bearer " + token),
        BOMB);
  }

  static RawHttp.Answer post(String path, String token) throws java.io.IOException {
    return RawHttp.send(
        RestAssured.port,
        "POST",
        path,
        "Content-Type: application/json\r\nAuthorization: Bearer " + token,
        "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  static void refusedAsNotNormal(String path, RawHttp.Answer a) {
    assertEquals(400, a.status(), path + ": " + a.body());
    assertTrue(a.contentType().startsWith("application/problem+json"), path + a.contentType());
    assertTrue(a.body().contains("the request path "), path + ": " + a.body());
  }

  @TestFactory
  Stream<DynamicTest> theReviewsSpellingsAreRefusedUnread() {
    List<String> spellings =
        List.of(
            "//api/v1/reports",
            "/x/../api/v1/reports",
            "/%61pi/v1/reports",
            "/api;x/v1/reports",
            "/./api/v1/reports",
            "/api/v1;x/reports",
            "/api/v1/reports;x",
            "/api/v1/./reports",
            "/api/v1//imports",
            "/api/v1/%69mports",
            "/api/v1/fabric/../fabric/discoveries");
    return spellings.stream()
        .map(
            p ->
                DynamicTest.dynamicTest(
                    p,
                    () -> {
                      refusedAsNotNormal(p, headOnly(p, null));
                      refusedAsNotNormal(p, headOnly(p, agent));
                    }));
  }

  @Test
  void thePathsThemselvesStillReachTheGate() throws Exception {
    // the gate's own refusal, unread: 64 MiB is more than a report may be
    RawHttp.Answer a = headOnly("/api/v1/reports", null);
    assertEquals(413, a.status(), a.body());
    assertTrue(a.body().contains("a report may be at most 16777216 bytes"), a.body());
    // a reserved character escaped is not a spelling of another path: the router matches none
    assertEquals(404, post("/api%2Fv1/reports", agent).status());
  }

  /**
   * Generated: 300 spellings of the write paths, each one or two of the changes the router undoes
   * (an empty, '.' or 'x/..' segment, an escaped letter, a matrix parameter) at a random place;
   * every one is a 400 problem, unread, with a token or without.
   */
  @TestFactory
  Stream<DynamicTest> generatedSpellingsAreRefusedUnread() {
    Random r = new Random(20261207);
    List<DynamicTest> tests = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String path = WRITES.get(r.nextInt(WRITES.size()));
      int changes = 1 + r.nextInt(2);
      for (int c = 0; c < changes; c++) {
        path = respell(path, r);
      }
      String p = path;
      String token = r.nextBoolean() ? agent : null;
      tests.add(DynamicTest.dynamicTest(p, () -> refusedAsNotNormal(p, headOnly(p, token))));
    }
    return tests.stream();
  }

  /** One change the router undoes, at a random '/' of {@code path}. */
  static String respell(String path, Random r) {
    List<Integer> slashes = new ArrayList<>();
    for (int i = 0; i < path.length(); i++) {
      if (path.charAt(i) == '/') {
        slashes.add(i);
      }
    }
    int at = slashes.get(r.nextInt(slashes.size()));
    String head = path.substring(0, at + 1);
    String tail = path.substring(at + 1);
    switch (r.nextInt(5)) {
      case 0:
        return head + "/" + tail;
      case 1:
        return head + "./" + tail;
      case 2:
        return head + "x/../" + tail;
      case 3:
        // an escaped letter of the next segment (letters are unreserved: the router decodes them)
        if (!tail.isEmpty() && Character.isLetter(tail.charAt(0))) {
          return head + String.format("%%%02X", (int) tail.charAt(0)) + tail.substring(1);
        }
        return head + "/" + tail;
      default:
        int end = tail.indexOf('/');
        return end < 0 ? path + ";m" : head + tail.substring(0, end) + ";m" + tail.substring(end);
    }
  }
}
