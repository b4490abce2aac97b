package dev.fabricscope.metrics;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.RawHttp;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Made-up HTTP methods take no series and no memory (twelfth security review, finding 1): each of
 * about 8,000 distinct methods without a token used to add an {@code http_server_requests} series
 * tagged with the method as sent, until a 512 MiB server ran out of heap. Now every such request is
 * a 501 problem before any route, its series is tagged {@code OTHER}, and Micrometer's cache of ids
 * as sent grows by at most the one that created that series.
 */
@QuarkusTest
class MethodTagsTest {

  static final Pattern METHOD = Pattern.compile("[{,]method=\"([^\"]*)\"");

  @Inject MeterRegistry registry;

  @Test
  void aMadeUpMethodIsA501Problem() throws Exception {
    for (String method : List.of("FOO", "get", "PROPFIND", "M".repeat(40_000))) {
      RawHttp.Answer a = RawHttp.send(RestAssured.port, method, "/api/v1/hosts", "", null);
      assertEquals(501, a.status(), method.length() + " characters");
      assertTrue(a.contentType().startsWith("application/problem+json"), a.contentType());
      assertTrue(a.body().contains("GET, HEAD"), a.body());
      assertTrue(a.body().length() < 400, "the method is not repeated back: " + a.body());
    }
  }

  /** Hundreds of distinct methods, short and long: the tags and the caches stay as they were. */
  @Test
  void generatedMethodsTakeNoSeriesAndNoCachedIds() throws Exception {
    // every series this test's own requests take, taken before counting
    String viewer = ApiClient.token("method-tags-viewer", "viewer", null);
    given().auth().oauth2(viewer).get("/api/v1/hosts").then().statusCode(200);
    RawHttp.send(RestAssured.port, "WARMUP", "/api/v1/hosts", "", null);
    int cachedBefore = cachedIds();
    Random r = new Random(20261207);
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String method = method(r, i % 50 == 0 ? 20_000 : 1 + r.nextInt(60));
      if (MeterHygiene.STANDARD_METHODS.contains(method)) {
        continue;
      }
      sent.add(method);
      String path = r.nextBoolean() ? "/api/v1/hosts" : "/no-such-page-" + i;
      assertEquals(501, RawHttp.send(RestAssured.port, method, path, "", null).status(), method);
    }
    int cachedAfter = cachedIds();
    assertTrue(
        cachedAfter - cachedBefore <= 3,
        "ids as sent cached: " + cachedBefore + " before, " + cachedAfter + " after");
    String metrics =
        given().auth().oauth2(viewer).get("/q/metrics").then().statusCode(200).extract().asString();
    Set<String> methods = new TreeSet<>();
    for (String line : metrics.lines().toList()) {
      Matcher m = METHOD.matcher(line);
      if (m.find()) {
        methods.add(m.group(1));
      }
    }
    assertTrue(methods.contains("GET") && methods.contains("OTHER"), methods.toString());
    for (String m : methods) {
      assertTrue(
          MeterHygiene.STANDARD_METHODS.contains(m) || m.equals("OTHER"),
          "a method tag as sent: " + m.substring(0, Math.min(40, m.length())));
    }
    assertTrue(metrics.length() < 2_000_000, metrics.length() + " characters of metrics");
  }

  /** A token of letters (RFC 9110 methods are tokens; these are case-sensitive). */
  private static String method(Random r, int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append((char) ((r.nextBoolean() ? 'A' : 'a') + r.nextInt(26)));
    }
    return sb.toString();
  }

  /** Ids Micrometer keeps as the binders sent them, over the registry and its children. */
  private int cachedIds() throws Exception {
    int n = cached(registry);
    if (registry instanceof CompositeMeterRegistry c) {
      for (MeterRegistry child : c.getRegistries()) {
        n += cached(child);
      }
    }
    return n;
  }

  private static int cached(MeterRegistry r) throws Exception {
    Field f = MeterRegistry.class.getDeclaredField("preFilterIdToMeterMap");
    f.setAccessible(true);
    Map<?, ?> m = (Map<?, ?>) f.get(r);
    synchronized (m) {
      return m.size();
    }
  }
}
