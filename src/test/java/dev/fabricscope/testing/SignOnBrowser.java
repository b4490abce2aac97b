package dev.fabricscope.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A browser signed on through the test provider ({@code OidcWiremockTestResource}, user {@code
 * alice}, groups {@code user, admin}; {@link SignOnProfile} maps {@code user} onto viewer): its
 * cookies kept, redirects followed by hand, as {@code SignOnBrowserFlowTest} walks them hop by hop.
 */
public final class SignOnBrowser {

  /** The browser's HTTP client; its cookie jar holds the session cookie once signed on. */
  public final HttpClient client;

  /** The cookies, for a test that replays them by hand. */
  public final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);

  private final String base;

  private SignOnBrowser(String base) {
    this.base = base;
    this.client =
        HttpClient.newBuilder()
            .cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** A browser that signed on at {@code base} (the server's {@code http://host:port}). */
  public static SignOnBrowser signedOn(String base) throws Exception {
    SignOnBrowser b = new SignOnBrowser(base);
    HttpResponse<String> toProvider = b.get(base + "/login");
    assertEquals(302, toProvider.statusCode(), toProvider.body());
    String providerPage = b.location(toProvider);
    HttpResponse<String> back = b.get(formSubmission(providerPage, b.get(providerPage).body()));
    assertEquals(302, back.statusCode(), back.body());
    // quarkus-oidc exchanges the code and sets the session cookie
    HttpResponse<String> restored = b.get(b.absolute(b.location(back)));
    assertEquals(302, restored.statusCode(), restored.body());
    HttpResponse<String> onward = b.get(b.absolute(b.location(restored)));
    assertEquals(303, onward.statusCode(), onward.body());
    return b;
  }

  /** A GET as a browser sends it for a page. */
  public HttpResponse<String> get(String url) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/html").GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Signs out as the /logout page's button does: a form POST with this server's Origin. */
  public HttpResponse<String> signOut() throws Exception {
    return post(base + "/logout", base);
  }

  /** An empty form POST with {@code origin} as its Origin header (none when null). */
  public HttpResponse<String> post(String url, String origin) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.noBody());
    if (origin != null) {
      b.header("Origin", origin);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The Location header, made relative when it points at this server. */
  public String location(HttpResponse<String> r) {
    String l = r.headers().firstValue("Location").orElseThrow(() -> new AssertionError(r.body()));
    return l.startsWith(base + "/") ? l.substring(base.length()) : l;
  }

  private String absolute(String location) {
    return location.startsWith("http") ? location : base + location;
  }

  /** The provider's form, submitted as the browser would (its action is a GET to /login). */
  public static String formSubmission(String providerPage, String formHtml) {
    URI page = URI.create(providerPage);
    return page.getScheme()
        + "://"
        + page.getAuthority()
        + "/login?username=alice&password=alice&state="
        + field(formHtml, "state")
        + "&redirect_uri="
        + URLEncoder.encode(field(formHtml, "redirect_uri"), StandardCharsets.UTF_8);
  }

  static String field(String html, String name) {
    Matcher m = Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"").matcher(html);
    assertTrue(m.find(), name + " in " + html);
    return m.group(1);
  }
}
