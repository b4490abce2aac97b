package dev.fabricscope.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.startsWith;

import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, items 10 and 13: with {@code fabricscope.auth.anonymous-read=false} (the default) every
 * read needs a token, although the server is bound to loopback and the request comes from there —
 * the API, the pages and the demo reports alike. {@link AnonymousReadOnTest} is the other half.
 */
@QuarkusTest
@TestProfile(AnonymousReadOffTest.Off.class)
public class AnonymousReadOffTest {

  /** The test profile with anonymous reads as in production: off. */
  public static class Off implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("fabricscope.auth.anonymous-read", "false", "quarkus.http.host", "127.0.0.1");
    }
  }

  static final List<String> READS =
      List.of(
          "/api/v1/hosts",
          "/api/v1/demo-reports",
          "/api/v1/findings",
          "/api/v1/fabric",
          "/",
          "/findings",
          "/fabric",
          "/import");

  @Test
  void anonymousReadsAre401FromLoopback() {
    for (String path : READS) {
      given()
          .get(path)
          .then()
          .statusCode(401)
          .contentType(startsWith("application/problem+json"))
          .header("WWW-Authenticate", startsWith("Bearer"));
    }
  }

  @Test
  void aViewerTokenReads() {
    String viewer = ApiClient.token("off-viewer-" + System.nanoTime(), "viewer", null);
    for (String path : READS) {
      given().auth().oauth2(viewer).get(path).then().statusCode(200);
    }
  }
}
