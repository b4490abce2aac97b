package dev.fabricscope.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fabricscope.testing.RawHttp;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every answer, page or API, success or refusal, says that no other site may frame it, that it is
 * what its content type says, and that other sites get no full URL in the Referer (a review found
 * none of these on the pages); pages run scripts of this server only, no inline ones (fourteenth
 * security review), but for Swagger UI, whose page starts itself with one. Requests go out as raw
 * bytes, so a malformed URI reaches the server as written: Quarkus's own header setting answered
 * {@code /%zz} with a 500.
 */
@QuarkusTest
class SecurityHeadersTest {

  static final Map<String, String> EXPECTED =
      Map.of(
          "X-Frame-Options", "DENY",
          "X-Content-Type-Options", "nosniff",
          "Referrer-Policy", "same-origin");

  @Test
  void pagesApiStaticFilesAndRefusalsCarryTheHeaders() throws Exception {
    record Case(String method, String target, int status) {}
    for (Case c :
        List.of(
            new Case("GET", "/", 200),
            new Case("GET", "/fabric", 200),
            new Case("GET", "/hosts/no-such-host", 404),
            new Case("GET", "/api/v1/hosts", 200),
            new Case("GET", "/api/v1/hosts?limit=0", 400),
            new Case("GET", "/api/v1/hosts/no-such-host", 404),
            new Case("GET", "/static/host.css", 200),
            new Case("GET", "/q/health/live", 200),
            new Case("GET", "/q/openapi", 200),
            new Case("GET", "/q/swagger-ui/", 200),
            new Case("GET", "/plans", 200),
            new Case("GET", "/%zz", 400),
            new Case("GET", "/api/v1/hosts/%zz", 400),
            new Case("POST", "/api/v1/reports", 401))) {
      RawHttp.Answer a =
          RawHttp.send(
              RestAssured.port,
              c.method(),
              c.target(),
              c.method().equals("POST") ? "Content-Type: application/json" : "",
              c.method().equals("POST") ? "{".getBytes(StandardCharsets.UTF_8) : null);
      String what = c.method() + " " + c.target();
      assertEquals(c.status(), a.status(), what + ": " + a.body());
      EXPECTED.forEach(
          (name, value) ->
              assertEquals(
                  value, a.headers().get(name.toLowerCase(Locale.ROOT)), what + " " + name));
      assertEquals(
          c.target().startsWith("/q/swagger-ui")
              ? "frame-ancestors 'none'"
              : "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
                  + " img-src 'self' data: blob:; connect-src 'self'; object-src 'none';"
                  + " base-uri 'none'; frame-ancestors 'none'",
          a.headers().get("content-security-policy"),
          what + " Content-Security-Policy");
      // inventory is kept by no cache (thirteenth security review); stylesheets and scripts may be
      assertEquals(
          c.target().startsWith("/static/") ? null : "no-store",
          a.headers().get("cache-control"),
          what + " Cache-Control");
    }
  }
}
