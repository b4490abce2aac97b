package dev.fabricscope.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every page is rendered through the one layout ({@code templates/base.html}): one head with the
 * shared style sheet and icon, one main navigation with the same five links in the same order, the
 * page's own link marked current, and the page's own links after them.
 */
@QuarkusTest
class BaseLayoutTest {

  private static final Pattern NAV =
      Pattern.compile("<nav aria-label=\"Main\">(.*?)</nav>", Pattern.DOTALL);
  private static final String COMMON =
      "<a href=\"/\"%s>Fleet</a><a href=\"/findings\"%s>Findings</a><a href=\"/fabric\"%s>RDMA"
          + " fabric</a><a href=\"/plans\"%s>Plans</a><a href=\"/import\"%s>Import</a>";

  private static String common(int current) {
    Object[] marks = {"", "", "", "", ""};
    if (current >= 0) {
      marks[current] = " aria-current=\"page\"";
    }
    return String.format(COMMON, marks);
  }

  private static String nav(String path) {
    String html = given().get(path).then().statusCode(200).extract().asString();
    assertEquals(1, html.split("<header class=\"top\">", -1).length - 1, path + ": one header");
    assertEquals(1, html.split("href=\"/static/fabricscope.css\"", -1).length - 1, path);
    assertTrue(html.startsWith("<!DOCTYPE html>") || html.contains("\n<!DOCTYPE html>"), path);
    assertEquals(1, html.split("<main", -1).length - 1, path + ": one main");
    Matcher m = NAV.matcher(html);
    assertTrue(m.find(), path + ": the main navigation");
    return m.group(1);
  }

  @Test
  void everyPageSharesTheNavigationAndMarksItsOwnLink() throws Exception {
    assertEquals(common(0) + "<a href=\"/q/swagger-ui\">API</a>", nav("/"));
    assertEquals(common(1) + "<a href=\"/q/swagger-ui\">API</a>", nav("/findings"));
    assertEquals(
        common(2) + "<a href=\"/api/v1/fabric\">Fabric (JSON)</a><a href=\"/q/swagger-ui\">API</a>",
        nav("/fabric"));
    assertEquals(common(3) + "<a href=\"/q/swagger-ui\">API</a>", nav("/plans"));
    assertEquals(common(4) + "<a href=\"/q/swagger-ui\">API</a>", nav("/import"));

    String operator = ApiClient.token("layout-operator-" + System.nanoTime(), "operator", null);
    given()
        .auth()
        .oauth2(operator)
        .contentType("application/octet-stream")
        .queryParam("host", "layout-dgx2")
        .body(Files.readAllBytes(Fixtures.root().resolve("hwloc-xml/nvidiaDGX2.xml")))
        .post("/api/v1/imports")
        .then()
        .statusCode(201);
    String host = nav("/hosts/layout-dgx2");
    assertTrue(host.startsWith(common(-1)), host);
    assertTrue(host.contains("href=\"/hosts/layout-dgx2/history\" id=\"history-link\""), host);
    assertTrue(nav("/hosts/layout-dgx2/history").contains(">Snapshots (JSON)</a>"));
    // a host that does not exist: the same layout, no page link marked
    String html = given().get("/hosts/no-such-layout-host").then().extract().asString();
    Matcher m = NAV.matcher(html);
    assertTrue(m.find(), html);
    assertEquals(common(-1), m.group(1));
  }
}
