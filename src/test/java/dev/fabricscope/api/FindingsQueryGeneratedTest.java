package dev.fabricscope.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.report.ReportJson;
import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.DowntrainedHost;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/v1/findings} against a model: generated filters (real values, other cases and
 * hostile strings) and page parameters (valid, out of range, malformed), each answer compared with
 * the whole list filtered and cut in the test, or with the 400 the model expects.
 */
@QuarkusTest
class FindingsQueryGeneratedTest {

  private static final List<String> JUNK =
      List.of(
          "", " ", "&", "a=b", "%", "%2F", "x\u00e9", "<script>", "\u0000", "DOWNTRAINED_LINK ");

  private static final List<String> NUMBERS =
      List.of("", "+1", " 1", "1 ", "0x10", "1.0", "-0", "\u0663", "1e3", "99999999999999999999");

  private List<Map<String, Object>> all;

  @BeforeEach
  void severalHostsWithFindings() {
    String operator = ApiClient.token("findings-generated", "operator", null);
    for (String name : List.of("gen-find-a", "gen-find-b", "gen-find-c")) {
      given()
          .auth()
          .oauth2(operator)
          .contentType("application/json")
          .body(
              ReportJson.write(DowntrainedHost.named(name).report())
                  .getBytes(StandardCharsets.UTF_8))
          .post("/api/v1/imports")
          .then()
          .statusCode(201);
    }
    Response whole =
        given().queryParam("limit", FindingsResource.MAX_LIMIT).get("/api/v1/findings");
    whole.then().statusCode(200);
    all = whole.jsonPath().getList("$");
    assertTrue(all.size() >= 3 && all.size() < FindingsResource.MAX_LIMIT, "a model that fits");
  }

  @Test
  void generatedQueriesAnswerAsTheModel() {
    Random random = new Random(20261208L);
    List<String> rules = distinct("rule");
    List<String> hosts = distinct("host");
    int answered = 0;
    int refused = 0;
    for (int i = 0; i < 300; i++) {
      String rule = pick(random, rules);
      String host = pick(random, hosts);
      String severity = pickSeverity(random);
      String offset = pickNumber(random, all.size() + 2);
      String limit = pickNumber(random, all.size() + 1);
      RequestSpecification q = given();
      put(q, "rule", rule);
      put(q, "host", host);
      put(q, "severity", severity);
      put(q, "offset", offset);
      put(q, "limit", limit);
      Response r = q.get("/api/v1/findings");
      String sev =
          severity == null || severity.isEmpty() ? null : severity.toLowerCase(Locale.ROOT);
      Integer off = number(offset, 0, 0, Integer.MAX_VALUE);
      Integer lim = number(limit, FindingsResource.DEFAULT_LIMIT, 1, FindingsResource.MAX_LIMIT);
      boolean sevOk = sev == null || FindingsResource.SEVERITIES.contains(sev);
      String what =
          "case " + i + ": " + rule + "|" + host + "|" + severity + "|" + offset + "|" + limit;
      if (!sevOk || off == null || lim == null) {
        assertEquals(400, r.statusCode(), what);
        assertTrue(r.contentType().startsWith("application/problem+json"), what);
        refused++;
        continue;
      }
      assertEquals(200, r.statusCode(), what);
      List<Map<String, Object>> matching =
          all.stream()
              .filter(f -> rule == null || rule.isEmpty() || rule.equals(f.get("rule")))
              .filter(f -> host == null || host.isEmpty() || host.equals(f.get("host")))
              .filter(f -> sev == null || sev.equals(f.get("severity")))
              .toList();
      int from = Math.min(off, matching.size());
      int to = (int) Math.min(matching.size(), (long) from + lim);
      assertEquals(matching.subList(from, to), r.jsonPath().getList("$"), what);
      assertEquals(String.valueOf(matching.size()), r.header("X-Total-Count"), what);
      String link = r.header("Link");
      if (to < matching.size()) {
        String next = link.substring(1, link.indexOf('>'));
        Response page = given().urlEncodingEnabled(false).get(next);
        int end = Math.min(matching.size(), to + lim);
        assertEquals(matching.subList(to, end), page.jsonPath().getList("$"), what + " " + next);
      } else {
        assertNull(link, what);
      }
      answered++;
    }
    assertTrue(answered > 100 && refused > 30, answered + " answered, " + refused + " refused");
  }

  private List<String> distinct(String field) {
    return all.stream()
        .map(f -> (String) f.get(field))
        .filter(Objects::nonNull)
        .distinct()
        .toList();
  }

  private static String pick(Random random, List<String> real) {
    int k = random.nextInt(10);
    if (k < 4) {
      return null;
    }
    return k < 8 ? real.get(random.nextInt(real.size())) : JUNK.get(random.nextInt(JUNK.size()));
  }

  private static String pickSeverity(Random random) {
    List<String> values =
        List.of("info", "warning", "critical", "WARNING", "Critical", "fatal", "warn", "");
    return random.nextInt(3) == 0 ? null : values.get(random.nextInt(values.size()));
  }

  private static String pickNumber(Random random, int upTo) {
    int k = random.nextInt(10);
    if (k < 3) {
      return null;
    }
    if (k < 8) {
      return String.valueOf(random.nextInt(upTo + 1) - (k == 7 ? upTo / 2 : 0));
    }
    return NUMBERS.get(random.nextInt(NUMBERS.size()));
  }

  private static void put(RequestSpecification q, String name, String value) {
    if (value != null) {
      q.queryParam(name, value);
    }
  }

  /** The model of {@code Params.intIn}: the value, the default, or null for a 400. */
  private static Integer number(String value, int dflt, int min, int max) {
    if (value == null || value.isEmpty()) {
      return dflt;
    }
    if (!value.matches("-?[0-9]{1,19}")) {
      return null;
    }
    try {
      long v = Long.parseLong(value);
      return v < min || v > max ? null : (int) v;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
