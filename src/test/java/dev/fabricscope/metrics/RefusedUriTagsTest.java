package dev.fabricscope.metrics;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.RawHttp;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Requests refused before routing share one {@code uri} tag (tenth security review, finding 3): 110
 * junk paths and junk writes without a token used to take 100 {@code uri} values, Quarkus's cap,
 * and every route of the API lost its {@code http_server_requests} series until a restart.
 */
@QuarkusTest
class RefusedUriTagsTest {

  static final Pattern URI =
      Pattern.compile("^http_server_requests_seconds_count\\{.*uri=\"([^\"]*)\"");

  @Test
  void refusalsBeforeRoutingDoNotUseUpTheUriTags() throws Exception {
    String viewer = ApiClient.token("uri-tags-viewer", "viewer", null);
    for (int i = 0; i < 110; i++) {
      // a URI that does not parse, a path not in normal form, a write without a token
      assertEquals(400, RawHttp.send(RestAssured.port, "GET", "/%zz" + i, "", null).status());
      assertEquals(
          400, RawHttp.send(RestAssured.port, "GET", "//junk-path-" + i, "", null).status());
      assertEquals(
          401,
          RawHttp.send(
                  RestAssured.port,
                  "POST",
                  "/api/v1/agents/secret-host-" + i + "/jobs/1/events",
                  "Content-Type: application/json",
                  "{}".getBytes())
              .status());
    }
    given().auth().oauth2(viewer).get("/api/v1/findings").then().statusCode(200);
    String metrics =
        given().auth().oauth2(viewer).get("/q/metrics").then().statusCode(200).extract().asString();
    List<String> uris =
        metrics
            .lines()
            .map(URI::matcher)
            .filter(Matcher::find)
            .map(m -> m.group(1))
            .distinct()
            .toList();
    assertTrue(uris.contains("/api/v1/findings"), "the route has its series: " + uris);
    assertTrue(uris.stream().anyMatch(u -> u.endsWith("REFUSED")), uris.toString());
    assertFalse(
        uris.stream().anyMatch(u -> u.contains("zz") || u.contains("junk") || u.contains("secret")),
        "no raw path is a tag value: " + uris);
  }
}
