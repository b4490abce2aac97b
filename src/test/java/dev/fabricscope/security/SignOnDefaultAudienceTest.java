package dev.fabricscope.security;

import static io.restassured.RestAssured.given;

import dev.fabricscope.testing.SignOnProfile;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Sign-on as shipped, with no audience configured: a bearer token is taken only when it was made
 * for fabricscope's client id ({@code quarkus.oidc.token.audience} defaults to it), so the
 * in-process provider's access tokens, made for {@code https://server.example.com}, are refused.
 */
@QuarkusTest
@TestProfile(SignOnDefaultAudienceTest.ShippedAudience.class)
@QuarkusTestResource(value = OidcWiremockTestResource.class, restrictToAnnotatedClass = true)
class SignOnDefaultAudienceTest {

  /** {@link SignOnProfile} without its audience list: the shipped default. */
  public static class ShippedAudience extends SignOnProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      Map<String, String> m = new HashMap<>(super.getConfigOverrides());
      m.remove("quarkus.oidc.token.audience");
      return m;
    }
  }

  @Test
  void onlyTokensForTheClientIdAreTaken() {
    Set<String> viewer = Set.of("fabricscope-viewer");
    given()
        .auth()
        .oauth2(SignOnTest.withAudience("ada", viewer, Set.of("quarkus-web-app")))
        .get("/api/v1/hosts")
        .then()
        .statusCode(200);
    given()
        .auth()
        .oauth2(OidcWiremockTestResource.getAccessToken("ada", viewer))
        .get("/api/v1/hosts")
        .then()
        .statusCode(401);
    given()
        .auth()
        .oauth2(SignOnTest.withAudience("ada", viewer, Set.of("some-other-app")))
        .get("/api/v1/hosts")
        .then()
        .statusCode(401);
  }
}
