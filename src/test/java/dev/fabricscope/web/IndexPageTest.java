package dev.fabricscope.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fleet page (server-rendered) and the host page shell, without a browser. */
@QuarkusTest
class IndexPageTest {

  static boolean imported;

  @BeforeEach
  void importHost() throws Exception {
    if (imported) {
      return;
    }
    String operator = ApiClient.token("index-operator-" + System.nanoTime(), "operator", null);
    given()
        .auth()
        .oauth2(operator)
        .contentType("application/octet-stream")
        .queryParam("host", "index-page-dgx2")
        .body(Files.readAllBytes(Fixtures.root().resolve("hwloc-xml/nvidiaDGX2.xml")))
        .post("/api/v1/imports")
        .then()
        .statusCode(201);
    imported = true;
  }

  @Test
  void fleetPageListsFilteredHostsWithLinks() {
    given()
        .queryParam("name", "index-page")
        .get("/")
        .then()
        .statusCode(200)
        .contentType(startsWith("text/html"))
        .body(containsString("<title>fabricscope — fleet</title>"))
        .body(
            containsString(
                "<link rel=\"icon\" type=\"image/svg+xml\" href=\"/static/favicon.svg\">"))
        .body(containsString("<tr data-host=\"index-page-dgx2\">"))
        .body(containsString("href=\"/hosts/index-page-dgx2\""))
        .body(containsString("<td class=\"num\">16</td>"))
        .body(not(containsString("NOT_FOUND")));
    given()
        .queryParam("name", "no-such-host-anywhere")
        .get("/")
        .then()
        .statusCode(200)
        .body(not(containsString("<tr data-host=")))
        .body(containsString("0 hosts"));
  }

  @Test
  void fleetPageFiltersByGpuAndLabel() {
    given()
        .queryParam("name", "index-page")
        .queryParam("gpu", "1")
        .get("/")
        .then()
        .statusCode(200)
        .body(containsString("<tr data-host=\"index-page-dgx2\">"))
        .body(containsString("checked"));
    given()
        .queryParam("name", "index-page")
        .queryParam("label", "rack=nowhere")
        .get("/")
        .then()
        .statusCode(200)
        .body(not(containsString("<tr data-host=")));
  }

  @Test
  void fleetPagePagesOnTheServer() {
    given()
        .queryParam("limit", 1)
        .get("/")
        .then()
        .statusCode(200)
        .body(containsString("id=\"next\""))
        .body(containsString("offset=1&amp;limit=1"));
  }

  @Test
  void hostPageLoadsTheBundleAndStaticAssets() {
    String html =
        given()
            .get("/hosts/index-page-dgx2")
            .then()
            .statusCode(200)
            .body(containsString("data-api=\"/api/v1/hosts/index-page-dgx2\""))
            .body(containsString("<script type=\"module\" src=\"/static/bundle/"))
            .extract()
            .asString();
    String bundle = html.replaceAll("(?s).*<script type=\"module\" src=\"([^\"]+)\".*", "$1");
    given().get(bundle).then().statusCode(200).body(containsString("cytoscape"));
    given().get("/static/favicon.svg").then().statusCode(200);
    given().get("/static/fabricscope.css").then().statusCode(200);
    given().get("/static/host.css").then().statusCode(200);
  }

  @Test
  void unknownHostIsA404Page() {
    given()
        .get("/hosts/no-such-host")
        .then()
        .statusCode(404)
        .contentType(startsWith("text/html"))
        .body(containsString("No host named"));
  }
}
