package dev.fabricscope.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The findings and import pages as the server renders them, without a browser. */
@QuarkusTest
class FindingsImportPagesHtmlTest {

  @Test
  void findingsPageRendersWithFiltersAndNav() {
    given()
        .queryParam("severity", "critical")
        .queryParam("host", "no-such-host")
        .get("/findings")
        .then()
        .statusCode(200)
        .contentType(startsWith("text/html"))
        .body(containsString("<title>fabricscope — findings</title>"))
        .body(containsString("<a href=\"/import\">Import</a>"))
        .body(containsString("<option value=\"critical\" selected>critical</option>"))
        .body(containsString("value=\"no-such-host\""))
        .body(containsString("id=\"no-findings\""))
        // the JSON link gives the findings the page shows, not the whole fleet's first page
        .body(
            containsString(
                "id=\"findings-json\" href=\"/api/v1/findings?host=no-such-host&amp;severity=critical\""));
  }

  @Test
  void importPageHasLabelledFieldsAndNoToken() {
    given()
        .get("/import")
        .then()
        .statusCode(200)
        .contentType(startsWith("text/html"))
        .body(containsString("<label for=\"import-file\">"))
        .body(containsString("<label for=\"import-host\">"))
        .body(containsString("<label for=\"import-token\">"))
        .body(containsString("type=\"file\""))
        .body(not(containsString("test-admin-secret")));
  }

  @Test
  void hostLinksPreselectTheFindingsDevices() {
    assertEquals("/hosts/h%201", FindingsPage.hostHref("h 1", List.of()));
    assertEquals(
        "/hosts/h?a=0000%3A01%3A00.0", FindingsPage.hostHref("h", List.of("0000:01:00.0")));
    assertEquals(
        "/hosts/h?a=0000%3A01%3A00.0&b=0000%3A02%3A00.0",
        FindingsPage.hostHref("h", List.of("0000:01:00.0", "0000:02:00.0", "0000:03:00.0")));
  }

  @Test
  void everyPageLinksToFindingsAndImport() {
    for (String page : List.of("/", "/findings", "/import", "/hosts/absent-host")) {
      given()
          .get(page)
          .then()
          .body(containsString("<a href=\"/findings\""))
          .body(containsString("<a href=\"/import\""));
    }
  }
}
