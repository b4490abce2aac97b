package dev.fabricscope.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.report.ReportJson;
import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.DowntrainedHost;
import dev.fabricscope.topology.Report;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Fleet findings over imported hosts, and the host list filtered by finding. */
@QuarkusTest
class FindingsResourceTest {

  @Test
  void aDowntrainedLinkIsFoundAndFiltersTheHostList() {
    DowntrainedHost host = DowntrainedHost.named("findings-host");
    Report r = host.report();
    String victim = host.gpu();
    String operator = ApiClient.token("findings-operator", "operator", null);
    given()
        .auth()
        .oauth2(operator)
        .contentType("application/json")
        .body(ReportJson.write(r).getBytes(StandardCharsets.UTF_8))
        .post("/api/v1/imports")
        .then()
        .statusCode(201)
        .body("host", equalTo("findings-host"));
    given()
        .auth()
        .oauth2(operator)
        .queryParam("rule", "DOWNTRAINED_LINK")
        .queryParam("host", "findings-host")
        .get("/api/v1/findings")
        .then()
        .statusCode(200)
        .body("size()", equalTo(1))
        .body("[0].devices", equalTo(List.of(victim)))
        .body("[0].severity", equalTo("warning"));
    given()
        .auth()
        .oauth2(operator)
        .queryParam("finding", "DOWNTRAINED_LINK")
        .get("/api/v1/hosts")
        .then()
        .statusCode(200)
        .body("items.name", hasItem("findings-host"));
  }

  /**
   * Pages of every size from 1 to 7, followed by their {@code Link} headers, put back together give
   * the one-page answer, in its order; {@code X-Total-Count} counts it.
   */
  @Test
  void pagesFollowedByTheirLinksGiveTheWholeList() {
    aDowntrainedLinkIsFoundAndFiltersTheHostList(); // at least one finding
    Response whole =
        given().queryParam("limit", FindingsResource.MAX_LIMIT).get("/api/v1/findings");
    whole.then().statusCode(200);
    List<Object> all = whole.jsonPath().getList("$");
    assertTrue(all.size() >= 1 && all.size() < 5000);
    assertEquals(String.valueOf(all.size()), whole.header("X-Total-Count"));
    assertNull(whole.header("Link"));
    for (int limit = 1; limit <= 7; limit++) {
      List<Object> walked = new ArrayList<>();
      String next = "/api/v1/findings?limit=" + limit;
      int pages = 0;
      while (next != null) {
        Response page = given().get(next);
        page.then().statusCode(200);
        List<Object> items = page.jsonPath().getList("$");
        assertTrue(items.size() <= limit);
        walked.addAll(items);
        String link = page.header("Link");
        next = link == null ? null : link.substring(1, link.indexOf('>'));
        assertTrue(++pages <= all.size(), "pages end");
      }
      assertEquals(all, walked, "limit " + limit);
    }
  }

  @Test
  void theNextPageKeepsTheFiltersEncoded() {
    assertEquals(
        "/api/v1/findings?rule=A%26B%3DC&severity=warning&offset=5&limit=2",
        FindingsResource.query("A&B=C", null, "warning", 5, 2));
  }

  @Test
  void pageParametersOutOfRangeAre400() {
    for (String q :
        List.of(
            "limit=0", "limit=5001", "limit=x", "offset=-1", "offset=1e3", "limit=99999999999")) {
      given()
          .get("/api/v1/findings?" + q)
          .then()
          .statusCode(400)
          .contentType(startsWith("application/problem+json"));
    }
    // past the end: an empty page, no next link
    given()
        .get("/api/v1/findings?offset=2147483647")
        .then()
        .statusCode(200)
        .body("size()", equalTo(0))
        .header("Link", nullValue());
  }
}
