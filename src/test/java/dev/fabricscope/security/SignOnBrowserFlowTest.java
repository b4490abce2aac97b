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
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The browser's sign-on, hop by hop as a browser makes it (cookies kept, redirects followed by
 * hand): a page without credentials sends the person to {@code /login}, which sends them to the
 * provider's sign-in form; its answer comes back with a code that quarkus-oidc exchanges for tokens
 * and a session cookie; the page then opens. Writes riding on that cookie need this server's
 * Origin. The provider signs {@code alice} in with groups {@code user, admin}; the test profile
 * maps {@code user} onto viewer.
 */
@QuarkusTest
@TestProfile(SignOnProfile.class)
@QuarkusTestResource(value = OidcWiremockTestResource.class, restrictToAnnotatedClass = true)
class SignOnBrowserFlowTest {

  final HttpClient browser =
      HttpClient.newBuilder()
          .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  String base() {
    return "http://localhost:" + RestAssured.port;
  }

  HttpResponse<String> get(String url) throws Exception {
    return browser.send(
        HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/html").GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The Location header, made relative when it points at this server. */
  String location(HttpResponse<String> r) {
    String l = r.headers().firstValue("Location").orElseThrow(() -> new AssertionError(r.body()));
    return l.startsWith(base() + "/") ? l.substring(base().length()) : l;
  }

  @Test
  void aPersonSignsOnAndThePageOpens() throws Exception {
    HttpResponse<String> page = get(base() + "/findings?rule=x");
    assertEquals(303, page.statusCode(), page.body());
    String login = location(page);
    assertEquals("/login?then=%2Ffindings%3Frule%3Dx", login);

    HttpResponse<String> toProvider = get(base() + login);
    assertEquals(302, toProvider.statusCode(), toProvider.body());
    String providerPage = location(toProvider);
    assertTrue(providerPage.contains("/auth/realms/quarkus"), providerPage);

    HttpResponse<String> form = get(providerPage);
    HttpResponse<String> back = get(SignOnBrowser.formSubmission(providerPage, form.body()));
    assertEquals(302, back.statusCode());
    String callback = location(back);
    assertTrue(callback.startsWith("/login"), callback);

    // quarkus-oidc exchanges the code, sets the session cookie, restores /login?then=...
    HttpResponse<String> restored = get(base() + callback);
    assertEquals(302, restored.statusCode(), restored.body());
    String again = location(restored);
    HttpResponse<String> onward = get(again.startsWith("http") ? again : base() + again);
    assertEquals(303, onward.statusCode(), onward.body());
    assertEquals("/findings?rule=x", URLDecoder.decode(location(onward), StandardCharsets.UTF_8));

    HttpResponse<String> findings = get(base() + "/findings");
    assertEquals(200, findings.statusCode());
    assertTrue(findings.body().contains("<html"), "an HTML page");

    // no open redirect for a signed-on person either
    assertEquals("/", location(get(base() + "/login?then=//evil.example.com/")));
    assertEquals("/", location(get(base() + "/login?then=https://evil.example.com/")));

    // writes through the session: another site's Origin (or none) is refused before the role
    assertEquals(
        403, importWithOrigin(null).statusCode(), "no Origin on a session write is refused");
    HttpResponse<String> foreign = importWithOrigin("https://evil.example.com");
    assertEquals(403, foreign.statusCode());
    assertTrue(foreign.body().contains("sign-on session"), foreign.body());
    HttpResponse<String> own = importWithOrigin(base());
    assertEquals(403, own.statusCode());
    assertTrue(own.body().contains("operator"), "a viewer: refused by role: " + own.body());
  }

  HttpResponse<String> importWithOrigin(String origin) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base() + "/api/v1/imports?host=sso-cookie"))
            .POST(HttpRequest.BodyPublishers.ofString("<topology/>"));
    if (origin != null) {
      b.header("Origin", origin);
    }
    return browser.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void logoutWithoutASessionGoesToTheFleetPage() throws Exception {
    HttpResponse<String> out =
        browser.send(
            HttpRequest.newBuilder(URI.create(base() + "/logout"))
                .header("Origin", base())
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(303, out.statusCode(), out.body());
    assertEquals("/", location(out));
  }

  @Test
  void withoutSessionTheApiAnswersProblemNotRedirect() throws Exception {
    HttpResponse<String> api =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(base() + "/api/v1/hosts")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(401, api.statusCode());
    assertTrue(api.headers().firstValue("Content-Type").orElse("").contains("problem+json"));
  }
}
