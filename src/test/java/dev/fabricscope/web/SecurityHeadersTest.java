package dev.fabricscope.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every answer, page or API, success or refusal, says that no other site may frame it, that it is
 * what its content type says, and that other sites get no full URL in the Referer (a review found
 * none of these on the pages).
 */
@QuarkusTest
class SecurityHeadersTest {

  static final Map<String, String> EXPECTED =
      Map.of(
          "X-Frame-Options", "DENY",
          "Content-Security-Policy", "frame-ancestors 'none'",
          "X-Content-Type-Options", "nosniff",
          "Referrer-Policy", "same-origin");

  @Test
  void pagesApiStaticFilesAndRefusalsCarryTheHeaders() {
    record Case(String path, int status) {}
    for (Case c :
        List.of(
            new Case("/", 200),
            new Case("/fabric", 200),
            new Case("/hosts/no-such-host", 404),
            new Case("/api/v1/hosts", 200),
            new Case("/api/v1/hosts?limit=0", 400),
            new Case("/api/v1/hosts/no-such-host", 404),
            new Case("/static/host.css", 200),
            new Case("/q/health/live", 200),
            new Case("/q/openapi", 200))) {
      Response r = given().get(c.path());
      assertEquals(c.status(), r.statusCode(), c.path());
      EXPECTED.forEach((name, value) -> assertEquals(value, r.header(name), c.path() + " " + name));
    }
    Response refused = given().contentType("application/json").body("{").post("/api/v1/reports");
    assertEquals(401, refused.statusCode());
    EXPECTED.forEach((name, value) -> assertEquals(value, refused.header(name), "401 " + name));
  }
}
