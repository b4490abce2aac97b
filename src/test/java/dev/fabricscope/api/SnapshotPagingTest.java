package dev.fabricscope.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A host's snapshots come a page at a time: one agent token that sends a changed report in a loop
 * makes a snapshot each time, and the list and the history page must not grow with them (a review
 * stored 5,000 and got 904 KB of JSON and 2.1 MB of HTML per view). 205 real reports here, each
 * with another kernel command line.
 */
@QuarkusTest
class SnapshotPagingTest {

  static final String HOST = "paging-host";
  static final int SENT = 205;
  static List<Long> ids; // newest first, as sent
  static long otherHostsSnapshot; // a snapshot of another host

  @BeforeEach
  void send() throws Exception {
    if (ids != null) {
      return;
    }
    String report =
        new String(ApiClient.resource("valid-report.json"), StandardCharsets.UTF_8)
            .replace("corpus-host", HOST);
    String token = ApiClient.token("paging-agent-" + System.nanoTime(), "agent", HOST);
    List<Long> sent = new ArrayList<>();
    for (int i = 0; i < SENT; i++) {
      String body = report.replace("intel_iommu=on", "intel_iommu=on hugepages=" + i);
      ApiClient.sendReport(token, body.getBytes(StandardCharsets.UTF_8)).then().statusCode(201);
    }
    for (Object o :
        given().get("/api/v1/hosts/" + HOST + "/snapshots?limit=1000").jsonPath().getList("id")) {
      sent.add(((Number) o).longValue());
    }
    ids = sent;
    assertEquals(SENT, ids.size());
    String other = "paging-other";
    String otherToken = ApiClient.token("paging-other-" + System.nanoTime(), "agent", other);
    ApiClient.sendReport(otherToken, report.replace(HOST, other).getBytes(StandardCharsets.UTF_8))
        .then()
        .statusCode(201);
    otherHostsSnapshot =
        ((Number)
                given()
                    .get("/api/v1/hosts/" + other + "/snapshots")
                    .jsonPath()
                    .getList("id")
                    .get(0))
            .longValue();
  }

  @Test
  void theListIsPagedWithALinkToTheNextPage() {
    Response first = given().get("/api/v1/hosts/" + HOST + "/snapshots");
    first.then().statusCode(200).body("size()", org.hamcrest.Matchers.equalTo(100));
    List<Long> paged = new ArrayList<>();
    String next = "/api/v1/hosts/" + HOST + "/snapshots?limit=60";
    int pages = 0;
    while (next != null) {
      Response r = given().get(next);
      r.then().statusCode(200);
      r.jsonPath().getList("id").forEach(o -> paged.add(((Number) o).longValue()));
      next = nextLink(r.header("Link"));
      pages++;
    }
    assertEquals(ids, paged);
    assertEquals(4, pages); // 60 + 60 + 60 + 25: the last page is short and has no link
  }

  @Test
  void badPagingIsRefused() {
    String base = "/api/v1/hosts/" + HOST + "/snapshots";
    for (String q : List.of("limit=0", "limit=1001", "limit=x", "before=0", "before=-3")) {
      given().get(base + "?" + q).then().statusCode(400).contentType("application/problem+json");
    }
    // another host's snapshot, and one that does not exist: neither is this host's
    for (long id : List.of(otherHostsSnapshot, ids.get(0) + 1_000_000)) {
      given()
          .get(base + "?before=" + id)
          .then()
          .statusCode(404)
          .body("detail", containsString("has no snapshot"));
      given().get("/hosts/" + HOST + "/history?before=" + id).then().statusCode(404);
    }
  }

  @Test
  void theHistoryPageShowsAPageAndLinksTheOlderOnes() {
    String html =
        given().get("/hosts/" + HOST + "/history").then().statusCode(200).extract().asString();
    assertEquals(200, count(html, "<tr data-snapshot="));
    assertTrue(html.contains("200 snapshots on this page"), "summary");
    Matcher older = Pattern.compile("href=\"([^\"]+)\" id=\"older-page\"").matcher(html);
    assertTrue(older.find(), "a link to the older page");
    assertEquals("/hosts/" + HOST + "/history?before=" + ids.get(199), older.group(1));
    String rest = given().get(older.group(1)).then().statusCode(200).extract().asString();
    assertEquals(5, count(rest, "<tr data-snapshot="));
    assertTrue(rest.contains("id=\"newer-page\""), "a link back to the newest");
    assertTrue(!rest.contains("id=\"older-page\""), "the last page links no older one");
  }

  static String nextLink(String link) {
    if (link == null) {
      return null;
    }
    Matcher m = Pattern.compile("^<([^>]+)>; rel=\"next\"$").matcher(link);
    assertTrue(m.matches(), link);
    return m.group(1);
  }

  static int count(String s, String part) {
    int n = 0;
    for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
