package dev.fabricscope.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.testing.SignOnBrowser;
import dev.fabricscope.testing.SignOnProfile;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.RestAssured;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Signing out takes a POST from this server's own page. quarkus-oidc signs out whatever request to
 * its logout path it authenticates, so {@code GET /logout} signed a person out from any link or
 * image on another site (the eighth review's unrated note); now it is the page with the button and
 * leaves the session alone, and a POST without this server's Origin is a 403 before anything is
 * authenticated. Every cookie set on the way carries SameSite ({@link LaxCookies}; quarkus-oidc's
 * {@code q_post_logout} had none).
 */
@QuarkusTest
@TestProfile(SignOnProfile.class)
@QuarkusTestResource(value = OidcWiremockTestResource.class, restrictToAnnotatedClass = true)
class SignOutTest {

  static String base() {
    return "http://localhost:" + RestAssured.port;
  }

  /**
   * A browser signed on after the current second. The test provider gives every sign-on the same
   * {@code sid}, and a logout ends the tokens of that sid issued up to its second ({@link
   * SignOnSessions}): a session begun in the second of an earlier test's sign-out would be ended.
   */
  static SignOnBrowser fresh() throws Exception {
    Thread.sleep(1000 - System.currentTimeMillis() % 1000 + 20);
    return SignOnBrowser.signedOn(base());
  }

  static boolean signedOn(SignOnBrowser b) throws Exception {
    int status =
        b.client
            .send(
                HttpRequest.newBuilder(URI.create(base() + "/api/v1/hosts")).build(),
                HttpResponse.BodyHandlers.ofString())
            .statusCode();
    assertTrue(status == 200 || status == 401, "reads answer " + status);
    return status == 200;
  }

  @Test
  void theLogoutPageSignsNobodyOutWhateverTheRequestSays() throws Exception {
    SignOnBrowser b = fresh();
    HttpResponse<String> page = b.get(base() + "/logout");
    assertEquals(200, page.statusCode(), page.body());
    assertTrue(page.body().contains("<form method=\"post\" action=\"/logout\""), page.body());
    for (String[] h :
        List.of(
            new String[] {"Sec-Fetch-Site", "cross-site"},
            new String[] {"Referer", "https://evil.example.com/"},
            new String[] {"Origin", base()})) {
      HttpResponse<String> again =
          b.client.send(
              HttpRequest.newBuilder(URI.create(base() + "/logout")).header(h[0], h[1]).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, again.statusCode(), h[0]);
    }
    assertTrue(signedOn(b), "still signed on after GET /logout");
  }

  @Test
  void aPostWithoutThisServersOriginIsRefusedAndTheSessionStays() throws Exception {
    SignOnBrowser b = fresh();
    for (String origin : new String[] {null, "https://evil.example.com", "null", base() + "/"}) {
      HttpResponse<String> out = b.post(base() + "/logout", origin);
      assertEquals(403, out.statusCode(), origin + ": " + out.body());
      assertTrue(out.body().contains("/logout page"), out.body());
    }
    assertTrue(signedOn(b), "still signed on after refused sign-outs");
  }

  @Test
  void thePagesButtonSignsOutAndEveryCookieOnTheWayHasSameSite() throws Exception {
    SignOnBrowser b = fresh();
    HttpResponse<String> out = b.signOut();
    assertEquals(302, out.statusCode(), out.body());
    List<String> set = out.headers().allValues("Set-Cookie");
    assertTrue(set.stream().anyMatch(c -> c.startsWith("q_post_logout")), set.toString());
    for (String c : set) {
      assertTrue(c.toLowerCase(Locale.ROOT).contains("samesite="), "no SameSite: " + c);
    }
    assertTrue(!signedOn(b), "signed out");
    // the state cookie of a new sign-on too
    HttpResponse<String> login = b.get(base() + "/login");
    assertEquals(302, login.statusCode());
    for (String c : login.headers().allValues("Set-Cookie")) {
      assertTrue(c.toLowerCase(Locale.ROOT).contains("samesite="), "no SameSite: " + c);
    }
  }

  /**
   * Generated Origin headers against one session: refused unless they name this server (http or
   * https, host in any case, port) with no path; only the accepted ones sign out, each a session of
   * its own.
   */
  @Test
  void generatedOriginsSignOutExactlyWhenTheyNameThisServer() throws Exception {
    Random rnd = new Random(20261207);
    int port = RestAssured.port;
    String[] schemes = {"http", "https", "HTTP", "ftp", ""};
    String[] hosts = {"localhost", "LocalHost", "127.0.0.1", "evil.example.com", "localhost.evil"};
    String[] ports = {":" + port, ":" + (port + 1), "", ":80"};
    String[] paths = {"", "", "/", "/logout"};
    List<String> accepted = new ArrayList<>();
    SignOnBrowser b = fresh();
    for (int i = 0; i < 60; i++) {
      String scheme = schemes[rnd.nextInt(schemes.length)];
      String host = hosts[rnd.nextInt(hosts.length)];
      String p = ports[rnd.nextInt(ports.length)];
      String path = paths[rnd.nextInt(paths.length)];
      String origin = (scheme.isEmpty() ? "" : scheme + "://") + host + p + path;
      // either scheme: behind a TLS proxy the page is https and the request here plain http
      boolean ours =
          (scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
              && host.equalsIgnoreCase("localhost")
              && p.equals(":" + port)
              && path.isEmpty();
      if (ours) {
        accepted.add(origin);
        continue;
      }
      HttpResponse<String> out = b.post(base() + "/logout", origin);
      assertEquals(403, out.statusCode(), origin);
    }
    assertTrue(signedOn(b), "no refused origin signed out");
    accepted.add(base());
    for (String origin : accepted.subList(0, Math.min(4, accepted.size()))) {
      SignOnBrowser own = SignOnBrowser.signedOn(base());
      assertEquals(302, own.post(base() + "/logout", origin).statusCode(), origin);
      assertTrue(!signedOn(own), origin + " signed out");
    }
  }
}
