package dev.fabricscope.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The plan page as HTML, without a browser: what a plan id that names nothing answers. */
@QuarkusTest
class PlanPageHtmlTest {

  /** A plan that does not exist, a word and an id past {@code long}: the page's own 404. */
  @Test
  void anUnknownPlanIsA404Page() {
    for (String id : List.of("987654321", "not-a-number", "99999999999999999999")) {
      given()
          .get("/plans/" + id)
          .then()
          .statusCode(404)
          .contentType("text/html")
          .body(containsString("No plan"));
    }
  }
}
