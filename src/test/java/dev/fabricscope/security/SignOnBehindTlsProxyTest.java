package dev.fabricscope.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.testing.SignOnProfile;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.RestAssured;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Sign-on behind a TLS proxy, set up as the README says: the server itself sees plain HTTP, so
 * without {@code cookie-force-secure} its cookies went out without {@code Secure} (a browser sent
 * the session over plain HTTP too) and the redirect URI it gave the provider began with {@code
 * http://}, not the {@code https://<server>/login} the README says to register.
 */
@QuarkusTest
@QuarkusTestResource(value = OidcWiremockTestResource.class, restrictToAnnotatedClass = true)
@TestProfile(SignOnBehindTlsProxyTest.BehindTlsProxy.class)
class SignOnBehindTlsProxyTest {

  /** {@link SignOnProfile} plus the two settings the README's proxy section names. */
  public static class BehindTlsProxy extends SignOnProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      Map<String, String> m = new HashMap<>(super.getConfigOverrides());
      m.put("quarkus.oidc.authentication.cookie-force-secure", "true");
      m.put("quarkus.oidc.authentication.force-redirect-https-scheme", "true");
      return m;
    }
  }

  @Test
  void theSignOnCookieIsSecureAndTheRedirectUriHttps() throws Exception {
    HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    HttpResponse<String> toProvider =
        browser.send(
            HttpRequest.newBuilder(
                    URI.create("http://localhost:" + RestAssured.port + "/login?then=%2F"))
                .header("Accept", "text/html")
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(302, toProvider.statusCode(), toProvider.body());
    String provider = toProvider.headers().firstValue("Location").orElseThrow();
    Matcher m = Pattern.compile("[?&]redirect_uri=([^&]+)").matcher(provider);
    assertTrue(m.find(), provider);
    String redirect = URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
    assertTrue(redirect.startsWith("https://localhost:"), redirect);
    List<String> cookies = toProvider.headers().allValues("Set-Cookie");
    assertFalse(cookies.isEmpty(), "the sign-on state cookie");
    for (String c : cookies) {
      assertTrue(c.toLowerCase().contains("; secure"), c);
    }
  }
}
