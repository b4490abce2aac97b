package dev.fabricscope.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code /login} and {@code /logout} without single sign-on configured (the default): both are
 * problems that say so, never a redirect to a provider that is not there. With sign-on, {@code
 * SignOnBrowserFlowTest} and {@code HostEventsSignOnTest} walk them.
 */
@QuarkusTest
class SignOnPageTest {

  @Test
  void withoutSignOnLoginAndLogoutAre404() {
    for (String path : List.of("/login", "/logout")) {
      given()
          .redirects()
          .follow(false)
          .get(path)
          .then()
          .statusCode(404)
          .body("detail", containsString("single sign-on is not configured"));
    }
  }
}
