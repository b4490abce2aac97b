package dev.fabricscope.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.BandwidthClient;
import dev.fabricscope.testing.RawHttp;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Generated {@code createdBy} values (control characters, very long, any script, URL syntax, broken
 * percent escapes) on the host list and the admins' bulk delete: never a 500, and each answer the
 * one the rule expects (a 400 problem for control characters and past 255 characters; else the
 * hosts of exactly that creator, none here, and for the delete {@code {"deleted": 0}}). A host made
 * by a known creator stays through all of them.
 */
@QuarkusTest
class HostCreatorsQueryGeneratedTest {

  private static final int[] ODD = {
    0x0, 0x1, 0x9, 0xa, 0xd, 0x1b, 0x7f, 0x85, 0x9f, 0xa0, 0xad, 0x200b, 0x200e, 0x2028, 0x202e,
    0xfeff, 0xfffd, 0xffff, 0x1f680, 0x10ffff, 0x0301, 0x05d0, 0x0627, 0x4e2d, 0xe9, '%', '&', '=',
    '+', '#', '?', '/', '\\', '\'', '"', '<', '*', '_', ' ', ':'
  };

  static String generated(Random random) {
    int length =
        switch (random.nextInt(6)) {
          case 0 -> 250 + random.nextInt(10); // around the column's 255
          case 1 -> 256 + random.nextInt(3000);
          default -> 1 + random.nextInt(40);
        };
    StringBuilder s = new StringBuilder(random.nextBoolean() ? "token:" : "");
    while (s.length() < length) {
      int c =
          random.nextInt(3) == 0
              ? ODD[random.nextInt(ODD.length)]
              : random.nextInt(4) == 0 ? 0x80 + random.nextInt(0x2f00) : 'a' + random.nextInt(26);
      s.appendCodePoint(c);
    }
    return s.toString();
  }

  /** The rule: whether the value is a 400. */
  static boolean refused(String value) {
    return value.length() > 255 || value.codePoints().anyMatch(Character::isISOControl);
  }

  @Test
  void generatedCreatorsAreNeverA500() throws Exception {
    String name = BandwidthClient.hostName("creator-gen");
    String operator = ApiClient.token(name, "operator", null);
    String host = BandwidthClient.hostName("creator-gen-host");
    HostCreatorsTest.importAs(operator, HostCreatorsTest.report(host));

    Random random = new Random(20261208);
    List<String> values = new ArrayList<>();
    values.add("token:" + name + "\u0000");
    values.add("token:" + name.toUpperCase(java.util.Locale.ROOT));
    values.add("token:" + name + " ");
    values.add("x".repeat(255));
    values.add("x".repeat(256));
    values.add("\u00e9".repeat(255));
    values.add("\ud83d\ude80".repeat(128)); // 256 UTF-16 units, 128 code points
    for (int i = 0; i < 150; i++) {
      values.add(generated(random));
    }
    for (String value : values) {
      // a very long value makes a request line the server refuses before the resource (414: its
      // initial line holds 4,096 bytes); every value the rule accepts encodes far shorter
      boolean tooLongForUrl =
          java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8).length()
              > 3000;
      Response list =
          given()
              .auth()
              .oauth2(ApiClient.ADMIN)
              .queryParam("createdBy", value)
              .get("/api/v1/hosts");
      check(value, list, tooLongForUrl);
      if (list.statusCode() == 200) {
        assertEquals(0, list.jsonPath().getInt("total"), "no host has creator " + describe(value));
      }
      Response delete =
          given()
              .auth()
              .oauth2(ApiClient.ADMIN)
              .queryParam("createdBy", value)
              .delete("/api/v1/hosts");
      check(value, delete, tooLongForUrl);
      if (delete.statusCode() == 200) {
        assertEquals(0, delete.jsonPath().getInt("deleted"), describe(value));
      }
    }
    // raw query strings, as no client library sends them: broken and odd percent escapes
    for (String raw :
        List.of(
            "%",
            "%zz",
            "%0",
            "%00",
            "%FF",
            "%C3",
            "%ED%A0%80",
            "%F4%90%80%80",
            "a%2",
            "%25%00",
            "token%3A" + name + "%00",
            "%E2%80%AE",
            "a&createdBy=b",
            "%0D%0AX-Forged:%201")) {
      for (String method : List.of("GET", "DELETE")) {
        RawHttp.Answer r =
            RawHttp.send(
                RestAssured.port,
                method,
                "/api/v1/hosts?createdBy=" + raw,
                "Authorization: Bearer " + ApiClient.ADMIN,
                null);
        String what = method + " " + raw + ": " + r.status() + " " + r.body();
        assertTrue(r.status() == 200 || r.status() == 400, what);
        if (r.status() == 400) {
          assertTrue(r.contentType().startsWith("application/problem+json"), what);
        }
        if (r.status() == 200 && method.equals("DELETE")) {
          assertTrue(r.body().contains("\"deleted\":0"), what);
        }
      }
    }
    assertEquals("token:" + name, HostCreatorsTest.createdBy(host));
  }

  private static void check(String value, Response r, boolean tooLongForUrl) {
    int status = r.statusCode();
    String what = describe(value) + ": " + status + " " + r.body().asString();
    if (tooLongForUrl && status == 414) {
      return;
    }
    assertEquals(refused(value) ? 400 : 200, status, what);
    if (status == 400) {
      assertTrue(r.contentType().startsWith("application/problem+json"), what);
    }
  }

  private static String describe(String value) {
    StringBuilder d = new StringBuilder();
    value.codePoints().limit(40).forEach(c -> d.append(String.format("U+%04X ", c)));
    return "createdBy of " + value.length() + " chars [" + d + "...]";
  }
}
