package dev.fabricscope.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.demo.DemoReports;
import dev.fabricscope.demo.DemoSummary;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** The start page lists every demo host with a link to its JSON. */
@QuarkusTest
class IndexPageTest {

  @Inject DemoReports demoReports;

  @Test
  void pageHasOneRowPerDemoHost() {
    String html =
        given()
            .when()
            .get("/")
            .then()
            .statusCode(200)
            .contentType(startsWith("text/html"))
            .body(containsString("<title>fabricscope — demo reports</title>"))
            .body(containsString("<link rel=\"icon\" href=\"data:,\">"))
            .body(not(containsString("NOT_FOUND")))
            .extract()
            .asString();

    assertTrue(demoReports.summaries().size() >= 5, "demo reports loaded");
    for (DemoSummary s : demoReports.summaries()) {
      assertTrue(html.contains("<tr id=\"report-" + s.name() + "\">"), "row for " + s.name());
      assertTrue(
          html.contains("href=\"/api/v1/demo-reports/" + s.name() + "\""), "link for " + s.name());
      assertTrue(
          html.contains("<td class=\"num\">" + s.pciFunctions() + "</td>"),
          "PCI count for " + s.name());
    }
  }
}
