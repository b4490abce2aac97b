package dev.fabricscope.metrics;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.security.AnonymousReadOffTest;
import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.RawHttp;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code /q/metrics} is read like the inventory (twelfth security review, finding 5: the chart's
 * Ingress published it to anyone): no token is a 401 problem, an agent's token a 403, a viewer's
 * the metrics (with anonymous reads off, as in production: the test suite's own profile has them
 * on, and so do its scrapes). Spellings of the path that might reach the metrics handler another
 * way are generated, and none answers metrics without a token.
 */
@QuarkusTest
@TestProfile(AnonymousReadOffTest.Off.class)
class MetricsAccessTest {

  @Test
  void metricsNeedATokenThatMayRead() {
    given()
        .get("/q/metrics")
        .then()
        .statusCode(401)
        .contentType(containsString("application/problem+json"));
    given()
        .auth()
        .oauth2("fsk_not-a-token")
        .get("/q/metrics")
        .then()
        .statusCode(401)
        .contentType(containsString("application/problem+json"));
    String agent = ApiClient.token("metrics-agent", "agent", "metrics-agent-host");
    given().auth().oauth2(agent).get("/q/metrics").then().statusCode(403);
    String viewer = ApiClient.token("metrics-viewer", "viewer", null);
    given()
        .auth()
        .oauth2(viewer)
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(containsString("# HELP fabricscope_hosts"));
    // health stays open: probes carry no token
    given().get("/q/health/live").then().statusCode(200);
  }

  /** Paths near /q/metrics, with and without suffixes and escapes: none gives metrics away. */
  @Test
  void noSpellingOfThePathAnswersMetricsWithoutAToken() throws Exception {
    List<String> paths =
        new ArrayList<>(
            List.of(
                "/q/metrics",
                "/q/metrics/",
                "/q/metrics?name=fabricscope_hosts",
                "/q/metrics/prometheus",
                "/q//metrics",
                "/q/./metrics",
                "/q/x/../metrics",
                "/q/%6detrics",
                "/q/metrics%2f",
                "/q/metrics;x",
                "/Q/METRICS",
                "/q/metrics#x"));
    Random r = new Random(20261207);
    String[] suffixes = {"", "/", "?", "?a=b", "/.", "/..", ";", "%20", "%00", "//", "/x"};
    String[] prefixes = {"", "/", "/.", "/q/.."};
    for (int i = 0; i < 200; i++) {
      paths.add(
          prefixes[r.nextInt(prefixes.length)]
              + "/q/metrics"
              + suffixes[r.nextInt(suffixes.length)]
              + suffixes[r.nextInt(suffixes.length)]);
    }
    for (String path : paths) {
      RawHttp.Answer a = RawHttp.send(RestAssured.port, "GET", path, "", null);
      assertFalse(
          a.body().contains("# HELP") || a.body().contains("# TYPE"),
          path + " answered " + a.status() + " with metrics");
      assertTrue(a.status() >= 400, path + " answered " + a.status());
    }
  }
}
