package dev.fabricscope.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * With {@code fabricscope.auth.anonymous-read=true} (the test profile's setting, as the README's
 * local start passes it) reads need no token, and writes still do.
 */
@QuarkusTest
class AnonymousReadOnTest {

  @Test
  void anonymousReadsAre200() {
    for (String path : AnonymousReadOffTest.READS) {
      given().get(path).then().statusCode(200);
    }
  }

  @Test
  void anonymousWritesAre401() {
    given()
        .contentType("application/json")
        .body("{}")
        .post("/api/v1/reports")
        .then()
        .statusCode(401)
        .body("status", equalTo(401));
    given().get("/api/v1/tokens").then().statusCode(401);
    given().delete("/api/v1/tokens/1").then().statusCode(401);
  }
}
