package dev.fabricscope.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The eleventh security review's finding 1 through the API: the reports that made a viewer's hwloc
 * export take the heap (a node of 32,768 CPUs, node 2,147,483,647, {@code logicalCpus} 1,000,000
 * without nodes) are refused with 422 and store nothing, and exports of a stored host take one of
 * the slots {@code /p2p} and the plan views share, as do its graph and pair verdicts (503 with
 * Retry-After when none is free).
 */
@QuarkusTest
class HostExportBoundsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject P2pMatrices matrices;

  static byte[] report(String host, Consumer<ObjectNode> edit) throws Exception {
    ObjectNode r = (ObjectNode) JSON.readTree(ApiClient.resource("valid-report.json"));
    ObjectNode h = (ObjectNode) r.get("host");
    h.put("name", host);
    edit.accept(h);
    return JSON.writeValueAsBytes(r);
  }

  @Test
  void theReviewsReportsAreRefusedAndStoreNothing() throws Exception {
    List<Consumer<ObjectNode>> edits =
        List.of(
            h -> ((ObjectNode) h.get("numaNodes").get(0)).put("cpulist", "0-32767"),
            h -> ((ObjectNode) h.get("numaNodes").get(1)).put("id", Integer.MAX_VALUE),
            h -> {
              h.putArray("numaNodes");
              ((ObjectNode) h.get("cpu")).put("logicalCpus", 1_000_000);
            });
    for (int i = 0; i < edits.size(); i++) {
      String host = "cpu-bounds-" + i + "-" + System.nanoTime();
      String agent = ApiClient.token(host, "agent", host);
      ApiClient.sendReport(agent, report(host, edits.get(i)))
          .then()
          .statusCode(422)
          .contentType("application/problem+json");
      given()
          .auth()
          .oauth2(ApiClient.ADMIN)
          .get("/api/v1/hosts/" + host + "/export?format=hwloc-xml")
          .then()
          .statusCode(404);
    }
  }

  /**
   * Every view that reads and works over a whole report waits for a slot, and without one is 503.
   */
  @Test
  void everyWholeReportViewTakesASlot() throws Exception {
    String host = "cpu-export-" + System.nanoTime();
    String agent = ApiClient.token(host, "agent", host);
    ApiClient.sendReport(agent, report(host, h -> {})).then().statusCode(201);
    String base = "/api/v1/hosts/" + host;
    List<String> views =
        List.of(
            base + "/export?format=hwloc-xml",
            base + "/export?format=nccl-xml",
            base + "/graph",
            base + "/graph/route?a=0000:00:03.0&b=0000:00:04.0",
            base + "/paths?a=0000:00:03.0&b=0000:00:04.0");
    // the report as stored needs no slot: it is passed on compressed, as /topology
    SlotsHeld.during(
        matrices,
        () ->
            given()
                .auth()
                .oauth2(ApiClient.ADMIN)
                .get(base + "/export?format=report")
                .then()
                .statusCode(200)
                .body("host.name", org.hamcrest.Matchers.equalTo(host)));
    for (String view : views) {
      SlotsHeld.during(
          matrices,
          () -> {
            SlotsHeld.busy(view);
            // an unknown host is a 404 at once, not a wait for a slot
            given()
                .auth()
                .oauth2(ApiClient.ADMIN)
                .get(view.replace(host, host + "-unknown"))
                .then()
                .statusCode(404);
          });
      given().auth().oauth2(ApiClient.ADMIN).get(view).then().statusCode(200);
    }
    given()
        .auth()
        .oauth2(ApiClient.ADMIN)
        .get("/api/v1/hosts/" + host + "/export?format=hwloc-xml")
        .then()
        .statusCode(200)
        .body(containsString("type=\"PU\""));
    given()
        .auth()
        .oauth2(ApiClient.ADMIN)
        .get("/api/v1/hosts/" + host + "/export?format=bogus")
        .then()
        .statusCode(400);
  }
}
