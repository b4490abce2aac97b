package dev.fabricscope.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.RawHttp;
import dev.fabricscope.testing.SignOnProfile;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.RestAssured;
import io.smallrye.jwt.build.Jwt;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With sign-on on, a write whose credential is a bearer JWT or a session cookie has its body read
 * only once quarkus-oidc verified that credential (the last note's open point: the gate let any
 * JWT-shaped secret and any {@code q_session} cookie through on their shape, so made-up ones could
 * fill the body budget). Each request sends its head only: an answer proves the body was not waited
 * for. The provider is Quarkus's in-process WireMock provider.
 */
@QuarkusTest
@TestProfile(SignOnProfile.class)
@QuarkusTestResource(value = OidcWiremockTestResource.class, restrictToAnnotatedClass = true)
class SignOnBodyGateTest {

  static final String ISSUER = "https://server.example.com";

  static PrivateKey foreignKey;

  @BeforeEach
  void keys() throws Exception {
    if (foreignKey == null) {
      KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
      rsa.initialize(2048);
      foreignKey = rsa.generateKeyPair().getPrivate();
    }
  }

  static String jwt(String user, Set<String> groups) {
    return OidcWiremockTestResource.getAccessToken(user, groups);
  }

  /** A token signed with another key under the provider's key id. */
  static String forged(String user, Set<String> groups) {
    return Jwt.preferredUserName(user)
        .groups(groups)
        .issuer(ISSUER)
        .audience(ISSUER)
        .jws()
        .keyId("1")
        .sign(foreignKey);
  }

  /** The provider's key and claims, expired an hour ago. */
  static String expired(String user, Set<String> groups) {
    return Jwt.preferredUserName(user)
        .groups(groups)
        .issuer(ISSUER)
        .expiresAt(System.currentTimeMillis() / 1000 - 3600)
        .jws()
        .keyId("1")
        .sign("privateKey.jwk");
  }

  /** A JWT-shaped secret of random base64url parts (no valid header at all). */
  static String randomShaped(Random random) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    StringBuilder s = new StringBuilder();
    for (int part = 0; part < 3; part++) {
      byte[] bytes = new byte[1 + random.nextInt(60)];
      random.nextBytes(bytes);
      s.append(part == 0 ? "" : ".").append(b64.encodeToString(bytes));
    }
    return s.toString();
  }

  /** The head of a write declaring {@code length} body bytes, with {@code extra} header lines. */
  static RawHttp.Answer headOnly(String path, String extra, long length) {
    return RawHttp.headOnly(
        RestAssured.port, "POST", path, "Content-Type: application/json\r\n" + extra, length);
  }

  static RawHttp.Answer bearerHead(String path, String secret, long length) {
    return headOnly(path, "Authorization: Bearer " + secret, length);
  }

  /** A whole write with a bearer secret and a small body. */
  static RawHttp.Answer sendAs(String path, String secret, String contentType, String body)
      throws Exception {
    return RawHttp.send(
        RestAssured.port,
        "POST",
        path,
        "Authorization: Bearer " + secret + "\r\nContent-Type: " + contentType,
        body.getBytes(StandardCharsets.UTF_8));
  }

  static void refused(int status, String detail, RawHttp.Answer a) {
    assertEquals(status, a.status(), a.body());
    assertTrue(a.contentType().startsWith("application/problem+json"), a.contentType());
    assertTrue(a.body().contains(detail), a.body());
  }

  @Test
  void jwtsTheProviderDidNotIssueAreRefusedBeforeTheirBody() {
    Set<String> admin = Set.of("fabricscope-admin");
    for (String bad :
        List.of(
            forged("mallory", admin),
            expired("eve", admin),
            randomShaped(new Random(1)),
            "a.b.c")) {
      refused(
          401,
          "sign-on credential is not valid",
          bearerHead("/api/v1/imports?host=forged", bad, 60_000_000));
      refused(401, "sign-on credential is not valid", bearerHead("/api/v1/plans", bad, 1000));
    }
    // not JWT-shaped: no sign-on check is needed to refuse it
    refused(401, "not one of this server's", bearerHead("/api/v1/imports?host=x", "made-up", 1000));
  }

  @Test
  void aSessionCookieThatIsNoValidSessionIsRefusedBeforeItsBody() {
    for (String cookie :
        List.of("q_session=forged", "q_session=a.b.c.d.e", "other=1; q_session_x=" + "x")) {
      refused(
          401,
          "sign-on credential is not valid",
          headOnly("/api/v1/imports?host=cookie", "Cookie: " + cookie, 60_000_000));
    }
  }

  @Test
  void verifiedIdentitiesWithoutTheRoleAreAnsweredByTheResourceInItsWords() throws Exception {
    // a person the provider vouches for: the body is read and the resource's role check answers
    RawHttp.Answer viewer =
        sendAs(
            "/api/v1/imports?host=sso-gate-viewer",
            jwt("vera", Set.of("fabricscope-viewer")),
            "application/octet-stream",
            "neither XML nor JSON");
    refused(403, "operator", viewer);
    RawHttp.Answer none =
        sendAs("/api/v1/plans", jwt("nora", Set.of("payroll")), "application/json", "{}");
    refused(403, "map onto no fabricscope role", none);
  }

  @Test
  void verifiedWritersStillSendTheirBodies() throws Exception {
    // an operator's import of bytes that are no known format: the importer answers, so the body
    // was read
    RawHttp.Answer sent =
        sendAs(
            "/api/v1/imports?host=sso-gate",
            jwt("otto", Set.of("fabricscope-operator")),
            "application/octet-stream",
            "neither XML nor JSON");
    assertEquals(422, sent.status(), sent.body());
    // a viewer's small read-only POST (a host selection) is read too
    RawHttp.Answer select =
        sendAs(
            "/api/v1/plans/select",
            jwt("vera", Set.of("fabricscope-viewer")),
            "application/json",
            "{}");
    assertTrue(select.status() != 401 && select.status() != 413, select.status() + select.body());
    // fabricscope's own tokens never wait for sign-on
    RawHttp.Answer own =
        sendAs(
            "/api/v1/imports?host=sso-gate-own",
            ApiClient.token("sso-gate-operator", "operator", null),
            "application/octet-stream",
            "neither XML nor JSON");
    assertEquals(422, own.status(), own.body());
  }

  /** Many generated credentials: every one the provider did not issue is refused unread. */
  @Test
  void generatedCredentialsAreJudgedByTheRule() {
    List<String> paths = List.of("/api/v1/imports?host=g", "/api/v1/reports", "/api/v1/plans");
    List<String> groups =
        List.of("fabricscope-viewer", "fabricscope-operator", "fabricscope-admin", "payroll");
    Random random = new Random(20261207);
    int refusedUnread = 0;
    for (int i = 0; i < 80; i++) {
      String path = paths.get(random.nextInt(paths.size()));
      String group = groups.get(random.nextInt(groups.size()));
      int kind = random.nextInt(5);
      String secret =
          switch (kind) {
            case 0 -> forged("g" + i, Set.of(group));
            case 1 -> expired("g" + i, Set.of(group));
            case 2 -> randomShaped(random);
            default -> jwt("g" + i, Set.of(group));
          };
      if (kind > 2) {
        continue; // the provider's own: admitted, it would wait for its body as it should
      }
      long limit = RequestBodyGate.limitFor(path.replaceFirst("[?].*", ""));
      RawHttp.Answer a = bearerHead(path, secret, 1 + random.nextLong(limit));
      refused(401, "sign-on credential is not valid", a);
      refusedUnread++;
    }
    assertTrue(refusedUnread > 30, "generated refusals: " + refusedUnread);
  }
}
