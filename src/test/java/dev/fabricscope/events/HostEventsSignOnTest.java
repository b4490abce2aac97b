package dev.fabricscope.events;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.cluster.ClusterNotice;
import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.SignOnBrowser;
import dev.fabricscope.testing.SignOnProfile;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.RestAssured;
import io.smallrye.jwt.build.Jwt;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The host events stream of people signed on through the identity provider: it ends when their
 * session is signed out (here or, by notice, on another replica) or its token expires, as a token's
 * stream ends when the token is revoked; the request that follows is checked anew, so a role taken
 * away at the provider applies from the next token on.
 */
@QuarkusTest
@TestProfile(SignOnProfile.class)
@QuarkusTestResource(value = OidcWiremockTestResource.class, restrictToAnnotatedClass = true)
class HostEventsSignOnTest {

  @Inject Event<ClusterNotice> notices;

  static String base() {
    return "http://localhost:" + RestAssured.port;
  }

  static String host(String prefix) throws Exception {
    String host = prefix + "-" + System.nanoTime();
    ApiClient.importFixture(ApiClient.ADMIN, "sysfs/qemu-rig-plain.tar.gz", host);
    return host;
  }

  @Test
  void aSessionsStreamEndsWhenItSignsOut() throws Exception {
    String host = host("sso-events-logout");
    SignOnBrowser browser = SignOnBrowser.signedOn(base());
    String cookie = cookieHeader(browser);
    HttpResponse<InputStream> stream = open(browser.client, host, UnaryOperator.identity());
    HostEventsResourceTest.assertEnds(
        stream,
        () -> {
          try {
            HttpResponse<String> out = browser.signOut();
            assertEquals(302, out.statusCode(), out.body());
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        },
        3);
    // the browser has no session now, and a copy of its cookie kept from before is refused
    assertEquals(401, open(browser.client, host, UnaryOperator.identity()).statusCode());
    HttpResponse<InputStream> replay =
        open(HttpClient.newHttpClient(), host, r -> r.header("Cookie", cookie));
    assertEquals(401, replay.statusCode());
    replay.body().close();
  }

  @Test
  void aSignOutThroughAnotherReplicaEndsTheStream() throws Exception {
    String host = host("sso-events-replica");
    String jwt = jwt("rhea", Set.of("fabricscope-viewer"), 3600, "sid-of-rhea");
    HostEventsResourceTest.assertEnds(
        open(HttpClient.newHttpClient(), host, r -> r.header("Authorization", "Bearer " + jwt)),
        () -> notices.fire(new ClusterNotice.SessionEnded("sid:sid-of-rhea", 0)),
        3);
    given().auth().oauth2(jwt).get("/api/v1/host-events/" + host).then().statusCode(401);
  }

  @Test
  void theStreamEndsWhenTheTokenExpiresAndALostRoleKeepsItShut() throws Exception {
    String host = host("sso-events-expiry");
    String shortLived = jwt("sven", Set.of("fabricscope-viewer"), 3, null);
    // nothing to do: the token runs out on its own, and the stream ends with it
    HostEventsResourceTest.assertEnds(
        open(
            HttpClient.newHttpClient(),
            host,
            r -> r.header("Authorization", "Bearer " + shortLived)),
        () -> {},
        3 + HostEventsResource.TOKEN_RECHECK.toSeconds() + 3);
    // the provider took the group away: the next token opens no stream
    String next = jwt("sven", Set.of("payroll"), 3600, null);
    given().auth().oauth2(next).get("/api/v1/host-events/" + host).then().statusCode(403);
  }

  @Test
  void aTokensStreamStillEndsWhenTheTokenIsRevoked() throws Exception {
    String host = host("sso-events-token");
    io.restassured.response.Response created = HostEventsResourceTest.viewer();
    String secret = created.path("secret");
    int id = created.path("token.id");
    HostEventsResourceTest.assertEnds(
        open(HttpClient.newHttpClient(), host, r -> r.header("Authorization", "Bearer " + secret)),
        () ->
            given()
                .auth()
                .oauth2(ApiClient.ADMIN)
                .delete("/api/v1/tokens/" + id)
                .then()
                .statusCode(204),
        3);
  }

  /** A JWT of the test provider, for {@code seconds} from now, with a session id when given. */
  static String jwt(String user, Set<String> groups, long seconds, String sid) {
    var claims =
        Jwt.preferredUserName(user)
            .groups(groups)
            .issuer("https://server.example.com")
            .audience("https://server.example.com")
            .expiresAt(System.currentTimeMillis() / 1000 + seconds);
    if (sid != null) {
      claims.claim("sid", sid);
    }
    return claims.jws().keyId("1").sign("privateKey.jwk");
  }

  /** The browser's cookies for this server, as a {@code Cookie} header. */
  static String cookieHeader(SignOnBrowser browser) throws Exception {
    var cookies = browser.cookies.getCookieStore().get(URI.create(base()));
    assertTrue(!cookies.isEmpty(), "a session cookie");
    return String.join("; ", cookies.stream().map(Object::toString).toList());
  }

  /** Opens the host's stream with {@code client}, the request completed by {@code auth}. */
  static HttpResponse<InputStream> open(
      HttpClient client, String host, UnaryOperator<HttpRequest.Builder> auth) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base() + "/api/v1/host-events/" + host))
            .header("Accept", "text/event-stream");
    return client.send(auth.apply(b).build(), HttpResponse.BodyHandlers.ofInputStream());
  }
}
