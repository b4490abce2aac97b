package dev.fabricscope.plans;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.BandwidthClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What-if plans through the API on the QEMU rig's report: who may create and save, versions with
 * optimistic concurrency, the edited host's verdicts (worked out from the rig's lspci tree in
 * PlanEditorTest) and the comparison with the host.
 */
@QuarkusTest
class PlansResourceTest extends OnTheRigHost {

  @Inject PlanService service;

  static final String MOVE_NIC_INTO_SWITCH =
      "{\"op\":\"move\",\"device\":\"0000:07:00.0\",\"to\":\"0000:01:00.0\"}";

  @Test
  void onlyOperatorsCreateAndSavePlans() {
    String viewer = ApiClient.token(BandwidthClient.hostName("plan-viewer"), "viewer", null);
    String agent = ApiClient.token(BandwidthClient.hostName("plan-agent"), "agent", host);
    String body = "{\"host\":\"" + host + "\"}";
    for (String t : List.of(viewer, agent)) {
      given()
          .auth()
          .oauth2(t)
          .contentType("application/json")
          .body(body)
          .post("/api/v1/plans")
          .then()
          .statusCode(403)
          .contentType("application/problem+json");
    }
    given()
        .contentType("application/json")
        .body(body)
        .post("/api/v1/plans")
        .then()
        .statusCode(401)
        .contentType("application/problem+json");
    long id = PlanRequests.create(operator, host);
    given()
        .auth()
        .oauth2(viewer)
        .contentType("application/json")
        .body("{\"basedOn\":1,\"edits\":[]}")
        .post("/api/v1/plans/" + id + "/versions")
        .then()
        .statusCode(403);
    given().auth().oauth2(viewer).delete("/api/v1/plans/" + id).then().statusCode(403);
    // reading is the viewer's
    given().auth().oauth2(viewer).get("/api/v1/plans/" + id).then().statusCode(200);
  }

  /**
   * The list gives each plan's latest version number, not its versions: with them, 100 plans of 200
   * versions of 200 edits were 287 MB per list, and three lists at once ran a 512 MiB server out of
   * heap (fourteenth security review). One plan's GET still has every version's edits.
   */
  @Test
  void theListHasNoVersionsOnePlanHasThemAll() {
    long id = PlanRequests.create(operator, host);
    PlanRequests.save(operator, id, 1, "[" + MOVE_NIC_INTO_SWITCH + "]").then().statusCode(201);
    var list =
        given().auth().oauth2(operator).get("/api/v1/plans?limit=500").then().statusCode(200);
    List<java.util.Map<String, Object>> plans = list.extract().jsonPath().getList("");
    var entry = plans.stream().filter(p -> ((Number) p.get("id")).longValue() == id).findFirst();
    assertEquals(2, entry.orElseThrow().get("latestVersion"));
    assertEquals(host, entry.orElseThrow().get("host"));
    for (var p : plans) {
      assertFalse(p.containsKey("versions"), p.toString());
    }
    given()
        .auth()
        .oauth2(operator)
        .get("/api/v1/plans/" + id)
        .then()
        .statusCode(200)
        .body("versions.size()", org.hamcrest.Matchers.equalTo(2))
        .body("versions[1].edits[0].op", org.hamcrest.Matchers.equalTo("move"));
  }

  /**
   * Another operator may save versions of a plan but not delete it; its creator or an admin may
   * (thirteenth security review: any operator deleted any plan, unlogged).
   */
  @Test
  void onlyItsCreatorOrAnAdminDeletesAPlan() {
    long id = PlanRequests.create(operator, host);
    String other =
        dev.fabricscope.testing.ApiClient.token(
            "plans-other-" + System.nanoTime(), "operator", null);
    PlanRequests.save(other, id, 1, "[" + MOVE_NIC_INTO_SWITCH + "]").then().statusCode(201);
    given()
        .auth()
        .oauth2(other)
        .delete("/api/v1/plans/" + id)
        .then()
        .statusCode(403)
        .body("detail", org.hamcrest.Matchers.containsString("only its creator or an admin"));
    given().auth().oauth2(other).get("/api/v1/plans/" + id).then().statusCode(200);
    given()
        .auth()
        .oauth2(dev.fabricscope.testing.ApiClient.ADMIN)
        .delete("/api/v1/plans/" + id)
        .then()
        .statusCode(204);
    long mine = PlanRequests.create(other, host);
    given().auth().oauth2(other).delete("/api/v1/plans/" + mine).then().statusCode(204);
  }

  /** A deleted plan's base and versions leave the report cache with it, not when pushed out. */
  @Test
  void aDeletedPlansReportsAreNoLongerKept() {
    long id = PlanRequests.create(operator, host);
    PlanRequests.save(operator, id, 1, "[" + MOVE_NIC_INTO_SWITCH + "]").then().statusCode(201);
    for (int v = 1; v <= 2; v++) {
      given()
          .auth()
          .oauth2(operator)
          .get("/api/v1/plans/" + id + "/versions/" + v + "/prediction")
          .then()
          .statusCode(200);
    }
    assertEquals(3, service.reports().cached(id), "the base and two versions are kept");
    given().auth().oauth2(operator).delete("/api/v1/plans/" + id).then().statusCode(204);
    assertEquals(0, service.reports().cached(id));
    given()
        .auth()
        .oauth2(operator)
        .get("/api/v1/plans/" + id + "/versions/1/prediction")
        .then()
        .statusCode(404);
    assertEquals(0, service.reports().cached(id), "a read of the deleted plan keeps nothing");
  }

  @Test
  void aSavedMoveChangesTheVerdictAndTheComparisonShowsIt() {
    long id = PlanRequests.create(operator, host);
    PlanRequests.save(operator, id, 1, "[" + MOVE_NIC_INTO_SWITCH + "]")
        .then()
        .statusCode(201)
        .body("version", equalTo(2))
        .body("edits[0].op", equalTo("move"));
    // the same version again: someone saved in between
    PlanRequests.save(operator, id, 1, "[]")
        .then()
        .statusCode(409)
        .contentType("application/problem+json");
    String base = "/api/v1/plans/" + id + "/versions/";
    given()
        .auth()
        .oauth2(operator)
        .queryParam("a", "0000:03:00.0")
        .queryParam("b", "0000:07:00.0")
        .get(base + "1/paths")
        .then()
        .statusCode(200)
        .body("kernel.mapType", equalTo("NOT_SUPPORTED"));
    given()
        .auth()
        .oauth2(operator)
        .queryParam("a", "0000:03:00.0")
        .queryParam("b", "0000:07:00.0")
        .get(base + "2/paths")
        .then()
        .statusCode(200)
        .body("kernel.mapType", equalTo("BUS_ADDR"))
        .body("kernel.distance", equalTo(4));
    given()
        .auth()
        .oauth2(operator)
        .get(base + "2/topology")
        .then()
        .statusCode(200)
        .body("pci.find { it.bdf == '0000:07:00.0' }.parent", equalTo("0000:02:04.0"));
    // the drawable graph of the version has the switch's new downstream port, boxed with it
    given()
        .auth()
        .oauth2(operator)
        .get(base + "2/graph")
        .then()
        .statusCode(200)
        .body("nodes.find { it.id == '0000:02:04.0' }.parent", equalTo("sw:0000:01:00.0"))
        .body("edges.find { it.target == '0000:07:00.0' }.source", equalTo("0000:02:04.0"));
    List<Map<String, Object>> pairs =
        given()
            .auth()
            .oauth2(operator)
            .queryParam("version", "2")
            .get("/api/v1/plans/" + id + "/compare")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("pairs");
    assertTrue(
        pairs.stream()
            .anyMatch(
                p ->
                    p.get("a").equals("0000:03:00.0")
                        && p.get("b").equals("0000:07:00.0")
                        && ((Map<?, ?>) p.get("plan")).get("kernel").equals("BUS_ADDR")
                        && ((Map<?, ?>) p.get("host")).get("kernel").equals("NOT_SUPPORTED")),
        pairs.toString());
    // the host itself is untouched
    given()
        .auth()
        .oauth2(operator)
        .queryParam("a", "0000:03:00.0")
        .queryParam("b", "0000:07:00.0")
        .get("/api/v1/hosts/" + host + "/paths")
        .then()
        .statusCode(200)
        .body("kernel.mapType", equalTo("NOT_SUPPORTED"));
  }

  @Test
  void previewAppliesWithoutSaving() {
    long id = PlanRequests.create(operator, host);
    given()
        .auth()
        .oauth2(operator)
        .contentType("application/json")
        .body("{\"edits\":[" + MOVE_NIC_INTO_SWITCH + "],\"pattern\":\"gpu-to-host\"}")
        .post("/api/v1/plans/" + id + "/preview")
        .then()
        .statusCode(200)
        .body(
            "topology.pci.find { it.bdf == '0000:02:04.0' }.portType", equalTo("switch-downstream"))
        // the graph to draw: the NIC below the switch's new downstream port, boxed with the switch
        .body("graph.nodes.find { it.id == '0000:02:04.0' }.parent", equalTo("sw:0000:01:00.0"))
        .body("graph.edges.find { it.target == '0000:07:00.0' }.source", equalTo("0000:02:04.0"))
        .body("graph.edges.find { it.target == '0000:07:00.0' }.kind", equalTo("pcie"))
        .body("prediction.flows", hasSize(0));
    // without edits the preview's graph is the saved version's, node for node and edge for edge
    Map<String, Object> preview =
        given()
            .contentType("application/json")
            .body("{\"edits\":[]}")
            .post("/api/v1/plans/" + id + "/preview")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getMap("graph");
    Map<String, Object> saved =
        given()
            .get("/api/v1/plans/" + id + "/versions/1/graph")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getMap("");
    assertEquals(saved, preview);
    given()
        .auth()
        .oauth2(operator)
        .get("/api/v1/plans/" + id)
        .then()
        .body("latestVersion", equalTo(1));
  }

  /**
   * With a and b the preview also answers that pair's verdict in the edited host (no verdict
   * without them).
   */
  @Test
  void previewAnswersAPairsVerdictInTheEditedHost() {
    long id = PlanRequests.create(operator, host);
    given()
        .contentType("application/json")
        .body(
            "{\"edits\":["
                + MOVE_NIC_INTO_SWITCH
                + "],\"a\":\"0000:03:00.0\",\"b\":\"0000:07:00.0\"}")
        .post("/api/v1/plans/" + id + "/preview")
        .then()
        .statusCode(200)
        .body("verdict.a", equalTo("0000:03:00.0"))
        .body("verdict.kernel.mapType", equalTo("BUS_ADDR"))
        .body("verdict.kernel.distance", equalTo(4));
    given()
        .contentType("application/json")
        .body("{\"edits\":[],\"a\":\"0000:03:00.0\",\"b\":\"0000:07:00.0\"}")
        .post("/api/v1/plans/" + id + "/preview")
        .then()
        .statusCode(200)
        .body("verdict.kernel.mapType", equalTo("NOT_SUPPORTED"));
    given()
        .contentType("application/json")
        .body("{\"edits\":[]}")
        .post("/api/v1/plans/" + id + "/preview")
        .then()
        .statusCode(200)
        .body("verdict", org.hamcrest.Matchers.nullValue());
    for (String body :
        List.of(
            "{\"edits\":[],\"a\":\"0000:03:00.0\"}",
            "{\"edits\":[],\"a\":\"0000:03:00.0\",\"b\":\"0000:99:00.0\"}")) {
      given()
          .contentType("application/json")
          .body(body)
          .post("/api/v1/plans/" + id + "/preview")
          .then()
          .statusCode(400)
          .contentType("application/problem+json");
    }
  }
}
