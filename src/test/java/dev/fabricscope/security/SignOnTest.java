package dev.fabricscope.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.SignOnProfile;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.response.Response;
import io.smallrye.jwt.build.Jwt;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, acceptance 3: single sign-on beside the bearer tokens, against an OpenID Connect
 * provider running in process (Quarkus's WireMock provider: discovery, keys, authorization and
 * token endpoints). The provider signs the JWTs; fabricscope checks them and maps the {@code
 * groups} claim onto its roles. Anonymous reads are off, as in production.
 */
@QuarkusTest
@TestProfile(SignOnProfile.class)
@QuarkusTestResource(value = OidcWiremockTestResource.class, restrictToAnnotatedClass = true)
class SignOnTest {

  static final String FIXTURE = "hwloc-xml/24em64t-2n6c2t-pci.xml";

  static String jwt(String user, Set<String> groups) {
    return OidcWiremockTestResource.getAccessToken(user, groups);
  }

  static Response importAs(String bearer, String host) throws Exception {
    return given()
        .auth()
        .oauth2(bearer)
        .contentType("application/octet-stream")
        .queryParam("host", host)
        .body(Files.readAllBytes(dev.fabricscope.oracle.Fixtures.root().resolve(FIXTURE)))
        .post("/api/v1/imports");
  }

  @Test
  void aViewerClaimReadsButCannotImport() throws Exception {
    String viewer = jwt("vera", Set.of("fabricscope-viewer"));
    given().auth().oauth2(viewer).get("/api/v1/hosts").then().statusCode(200);
    given().auth().oauth2(viewer).get("/findings").then().statusCode(200);
    importAs(viewer, "sso-viewer-host")
        .then()
        .statusCode(403)
        .contentType(startsWith("application/problem+json"))
        .body("detail", containsString("operator"));
    given().auth().oauth2(viewer).get("/api/v1/hosts/sso-viewer-host").then().statusCode(404);
  }

  @Test
  void anOperatorClaimImports() throws Exception {
    String operator = jwt("otto", Set.of("fabricscope-operator"));
    importAs(operator, "sso-operator-host").then().statusCode(201);
    given().auth().oauth2(operator).get("/api/v1/hosts/sso-operator-host").then().statusCode(200);
  }

  @Test
  void fabricscopeTokensKeepWorkingBesideSignOn() throws Exception {
    String operator = ApiClient.token("sso-side-operator-" + System.nanoTime(), "operator", null);
    importAs(operator, "sso-token-host").then().statusCode(201);
    // the configured admin secret has no fsk_ prefix and is still ours, not the provider's
    given().auth().oauth2(ApiClient.ADMIN).get("/api/v1/tokens").then().statusCode(200);
  }

  @Test
  void tokensTheProviderDidNotSignOrThatExpiredAre401() throws Exception {
    java.security.KeyPairGenerator rsa = java.security.KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    String foreignKey =
        Jwt.preferredUserName("mallory")
            .groups(Set.of("fabricscope-admin"))
            .issuer("https://server.example.com")
            .audience("https://server.example.com")
            .jws()
            .keyId("1") // the provider's key id, but another key
            .sign(rsa.generateKeyPair().getPrivate());
    String expired =
        Jwt.preferredUserName("eve")
            .groups(Set.of("fabricscope-admin"))
            .issuer("https://server.example.com")
            .expiresAt(System.currentTimeMillis() / 1000 - 3600)
            .jws()
            .keyId("1")
            .sign("privateKey.jwk");
    String otherIssuer =
        Jwt.preferredUserName("ian")
            .groups(Set.of("fabricscope-admin"))
            .issuer("https://evil.example.com")
            .jws()
            .keyId("1")
            .sign("privateKey.jwk");
    for (String bad : List.of(foreignKey, expired, otherIssuer, "not-a-jwt", "a.b.c")) {
      given()
          .auth()
          .oauth2(bad)
          .get("/api/v1/hosts")
          .then()
          .statusCode(401)
          .contentType(startsWith("application/problem+json"));
    }
  }

  @Test
  void aSignedOnUserWithoutAMappedRoleIs403() {
    given()
        .auth()
        .oauth2(jwt("nora", Set.of("payroll")))
        .get("/api/v1/hosts")
        .then()
        .statusCode(403)
        .body("detail", containsString("map onto no fabricscope role"));
  }

  /** Many generated claim sets: the highest mapped role decides reads, imports and admin calls. */
  @Test
  void generatedClaimSetsFollowTheRoleLadder() throws Exception {
    List<String> pool =
        List.of(
            "fabricscope-viewer", "fabricscope-operator", "fabricscope-admin", "user", "payroll");
    Random random = new Random(15);
    for (int i = 0; i < 40; i++) {
      Set<String> groups = new HashSet<>();
      for (String g : pool) {
        if (random.nextInt(3) == 0) {
          groups.add(g);
        }
      }
      int rank =
          groups.contains("fabricscope-admin")
              ? 3
              : groups.contains("fabricscope-operator")
                  ? 2
                  : groups.contains("fabricscope-viewer") || groups.contains("user") ? 1 : 0;
      String token = jwt("gen" + i, groups);
      String what = "groups " + groups;
      assertEquals(
          rank >= 1 ? 200 : 403,
          given().auth().oauth2(token).get("/api/v1/hosts").statusCode(),
          what);
      assertEquals(
          rank >= 3 ? 200 : 403,
          given().auth().oauth2(token).get("/api/v1/tokens").statusCode(),
          what);
      assertEquals(rank >= 2 ? 201 : 403, importAs(token, "sso-gen-" + i).statusCode(), what);
    }
  }

  /** A provider-signed token whose {@code aud} is {@code audiences} (the provider's own key). */
  static String withAudience(String user, Set<String> groups, Set<String> audiences) {
    return Jwt.preferredUserName(user)
        .groups(groups)
        .issuer("https://server.example.com")
        .audience(audiences)
        .subject(user)
        .jws()
        .keyId("1")
        .sign("privateKey.jwk");
  }

  /**
   * Eighth security review: a token the provider issued to another application of the realm (an
   * access token, or that application's ID token) acted here with the person's roles, up to minting
   * a fabricscope admin token. Only the configured audiences are taken.
   */
  @Test
  void aTokenTheProviderMadeForAnotherApplicationIs401() {
    Set<String> admin = Set.of("fabricscope-admin");
    String otherApp = withAudience("bob", admin, Set.of("some-other-app"));
    String otherAppsIdToken = OidcWiremockTestResource.getIdToken("bob", admin, "some-other-app");
    String noAudience =
        Jwt.preferredUserName("bob")
            .groups(admin)
            .issuer("https://server.example.com")
            .jws()
            .keyId("1")
            .sign("privateKey.jwk");
    for (String foreign : List.of(otherApp, otherAppsIdToken, noAudience)) {
      given().auth().oauth2(foreign).get("/api/v1/hosts").then().statusCode(401);
      given()
          .auth()
          .oauth2(foreign)
          .contentType("application/json")
          .body("{\"name\":\"via-foreign-aud\",\"role\":\"admin\"}")
          .post("/api/v1/tokens")
          .then()
          .statusCode(401);
    }
    // the same person's token for fabricscope's client is taken
    given()
        .auth()
        .oauth2(withAudience("bob", admin, Set.of("quarkus-web-app")))
        .get("/api/v1/tokens")
        .then()
        .statusCode(200);
  }

  /** Generated audience sets: a token is taken exactly when one of its audiences is configured. */
  @Test
  void generatedAudiencesAreTakenOnlyWhenOneIsConfigured() {
    List<String> pool =
        List.of(
            "quarkus-web-app",
            "https://server.example.com",
            "grafana",
            "account",
            "quarkus-web-app2",
            "https://server.example.com/",
            "https://id.server.example.com");
    Set<String> configured = Set.of("quarkus-web-app", "https://server.example.com");
    Random random = new Random(20261206);
    int taken = 0;
    for (int i = 0; i < 30; i++) {
      Set<String> audiences = new HashSet<>();
      for (String a : pool) {
        if (random.nextInt(3) == 0) {
          audiences.add(a);
        }
      }
      if (audiences.isEmpty()) {
        audiences.add(pool.get(random.nextInt(pool.size())));
      }
      boolean ours = audiences.stream().anyMatch(configured::contains);
      int status =
          given()
              .auth()
              .oauth2(withAudience("aud" + i, Set.of("fabricscope-viewer"), audiences))
              .get("/api/v1/hosts")
              .statusCode();
      assertEquals(ours ? 200 : 401, status, "aud " + audiences);
      taken += ours ? 1 : 0;
    }
    assertTrue(taken > 5 && taken < 25, "taken " + taken);
  }
}
