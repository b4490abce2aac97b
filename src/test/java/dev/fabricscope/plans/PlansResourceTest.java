package dev.fabricscope.plans;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.BandwidthClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What-if plans through the API on the QEMU rig's report: who may create and save, versions with
 * optimistic concurrency, the edited host's verdicts (worked out from the rig's lspci tree in
 * PlanEditorTest) and the comparison with the host.
 */
@QuarkusTest
class PlansResourceTest {

  static final String MOVE_NIC_INTO_SWITCH =
      "{\"op\":\"move\",\"device\":\"0000:07:00.0\",\"to\":\"0000:01:00.0\"}";

  String operator;
  String host;

  @BeforeEach
  void setUp() throws Exception {
    operator = ApiClient.token(BandwidthClient.hostName("plan-op"), "operator", null);
    host = BandwidthClient.hostName("plan-host");
    ApiClient.importFixture(operator, "sysfs/qemu-rig-iommu.tar.gz", host);
  }

  long create(String token) {
    return given()
        .auth()
        .oauth2(token)
        .contentType("application/json")
        .body("{\"host\":\"" + host + "\",\"name\":\"more NICs under the switch\"}")
        .post("/api/v1/plans")
        .then()
        .statusCode(201)
        .body("latestVersion", equalTo(1))
        .body("versions[0].edits", hasSize(0))
        .body("host", equalTo(host))
        .extract()
        .jsonPath()
        .getLong("id");
  }

  Response save(long id, int basedOn, String edits) {
    return given()
        .auth()
        .oauth2(operator)
        .contentType("application/json")
        .body("{\"basedOn\":" + basedOn + ",\"edits\":" + edits + ",\"note\":\"n\"}")
        .post("/api/v1/plans/" + id + "/versions");
  }

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
    long id = create(operator);
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

  @Test
  void aSavedMoveChangesTheVerdictAndTheComparisonShowsIt() {
    long id = create(operator);
    save(id, 1, "[" + MOVE_NIC_INTO_SWITCH + "]")
        .then()
        .statusCode(201)
        .body("version", equalTo(2))
        .body("edits[0].op", equalTo("move"));
    // the same version again: someone saved in between
    save(id, 1, "[]").then().statusCode(409).contentType("application/problem+json");
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
    long id = create(operator);
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
    long id = create(operator);
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

  @Test
  void refusedEditsAndBadBodiesAreProblemsAndStoreNothing() {
    long id = create(operator);
    Map<String, Integer> cases =
        Map.ofEntries(
            Map.entry(
                "{\"basedOn\":1,\"edits\":[{\"op\":\"move\",\"device\":\"0000:03:00.0\","
                    + "\"to\":\"0000:00:11.0\"}]}",
                422),
            Map.entry(
                "{\"basedOn\":1,\"edits\":[{\"op\":\"set-link\",\"device\":\"0000:03:00.0\","
                    + "\"speedGTs\":7,\"width\":16}]}",
                422),
            Map.entry(
                "{\"basedOn\":1,\"edits\":[{\"op\":\"move\",\"device\":\"0000:03:00.0\"}]}", 400),
            Map.entry("{\"basedOn\":1,\"edits\":[{\"op\":\"reboot\"}]}", 400),
            Map.entry(
                "{\"basedOn\":1,\"edits\":[{\"op\":\"set-iommu\",\"enabled\":true," + "\"x\":1}]}",
                400),
            Map.entry("{\"basedOn\":1,\"edits\":{}}", 400),
            Map.entry("{\"basedOn\":\"1\",\"edits\":[]}", 400),
            Map.entry("{\"edits\":[]}", 400),
            Map.entry("{\"basedOn\":1,\"edits\":[],\"extra\":1}", 400),
            Map.entry("[1,2]", 400),
            Map.entry("not json", 400),
            Map.entry("", 400),
            Map.entry("{\"basedOn\":1,\"edits\":[],\"note\":\"" + "x".repeat(2000) + "\"}", 400),
            Map.entry(
                "{\"basedOn\":1,\"edits\":["
                    + String.join(
                        ",",
                        java.util.Collections.nCopies(
                            201, "{\"op\":\"set-iommu\",\"enabled\":true}"))
                    + "]}",
                422),
            Map.entry(
                "{\"basedOn\":1,\"edits\":[],\"note\":\"" + "y".repeat(300_000) + "\"}", 413));
    for (var c : cases.entrySet()) {
      given()
          .auth()
          .oauth2(operator)
          .contentType("application/json")
          .body(c.getKey())
          .post("/api/v1/plans/" + id + "/versions")
          .then()
          .statusCode(c.getValue())
          .contentType("application/problem+json");
    }
    given()
        .auth()
        .oauth2(operator)
        .get("/api/v1/plans/" + id)
        .then()
        .body("latestVersion", equalTo(1));
    for (String path :
        List.of(
            "/api/v1/plans/abc",
            "/api/v1/plans/0",
            "/api/v1/plans/" + id + "/versions/x/topology")) {
      given()
          .auth()
          .oauth2(operator)
          .get(path)
          .then()
          .statusCode(400)
          .contentType("application/problem+json");
    }
    for (String path :
        List.of("/api/v1/plans/987654321", "/api/v1/plans/" + id + "/versions/99/topology")) {
      given()
          .auth()
          .oauth2(operator)
          .get(path)
          .then()
          .statusCode(404)
          .contentType("application/problem+json");
    }
    given()
        .auth()
        .oauth2(operator)
        .contentType("application/json")
        .body("{\"host\":\"../etc\"}")
        .post("/api/v1/plans")
        .then()
        .statusCode(400)
        .body("detail", containsString("host"));
    given()
        .auth()
        .oauth2(operator)
        .contentType("application/json")
        .body("{\"host\":\"no-such-host-x\"}")
        .post("/api/v1/plans")
        .then()
        .statusCode(404);
    given().auth().oauth2(operator).delete("/api/v1/plans/" + id).then().statusCode(204);
    given().auth().oauth2(operator).get("/api/v1/plans/" + id).then().statusCode(404);
    // deleted once: a second delete finds nothing; a bad id is a 400
    given()
        .auth()
        .oauth2(operator)
        .delete("/api/v1/plans/" + id)
        .then()
        .statusCode(404)
        .contentType("application/problem+json")
        .body("detail", containsString("no plan " + id));
    given()
        .auth()
        .oauth2(operator)
        .delete("/api/v1/plans/x1")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
    given().delete("/api/v1/plans/" + id).then().statusCode(401);
  }

  @Test
  void generatedEditBodiesNeverBreakTheServer() {
    long id = create(operator);
    java.util.Random rnd = new java.util.Random(13);
    String[] ops = {"move", "add-switch", "remove-switch", "set-acs", "set-iommu", "set-link", "x"};
    String[] fields = {
      "device",
      "to",
      "under",
      "ports",
      "speedGTs",
      "width",
      "upstream",
      "port",
      "redirect",
      "enabled"
    };
    String[] values = {
      "\"0000:07:00.0\"",
      "\"0000:01:00.0\"",
      "\"0000:00:12.0\"",
      "16",
      "-1",
      "2.5",
      "true",
      "null",
      "\"../x\"",
      "1e400",
      "[]",
      "{}",
      "\"" + "z".repeat(500) + "\""
    };
    int ok = 0;
    for (int i = 0; i < 150; i++) {
      StringBuilder e = new StringBuilder("{\"op\":\"" + ops[rnd.nextInt(ops.length)] + "\"");
      for (int k = rnd.nextInt(5); k > 0; k--) {
        e.append(",\"")
            .append(fields[rnd.nextInt(fields.length)])
            .append("\":")
            .append(values[rnd.nextInt(values.length)]);
      }
      e.append('}');
      Response r =
          given()
              .auth()
              .oauth2(operator)
              .contentType("application/json")
              .body("{\"edits\":[" + e + "]}")
              .post("/api/v1/plans/" + id + "/preview");
      int s = r.statusCode();
      assertTrue(s == 200 || s == 400 || s == 422, e + " → " + s + " " + r.asString());
      if (s == 200) {
        ok++;
      } else {
        assertEquals("application/problem+json", r.contentType(), e.toString());
      }
    }
    given()
        .auth()
        .oauth2(operator)
        .get("/api/v1/plans/" + id)
        .then()
        .statusCode(200)
        .body("latestVersion", equalTo(1));
    assertTrue(ok >= 0);
  }

  @Test
  void hostPredictionForAPatternAndForCustomFlows() throws Exception {
    String dgx = BandwidthClient.hostName("plan-dgx2");
    ApiClient.importFixture(operator, "hwloc-xml/nvidiaDGX2.xml", dgx);
    given()
        .auth()
        .oauth2(operator)
        .queryParam("pattern", "gpu-to-host")
        .get("/api/v1/hosts/" + dgx + "/prediction")
        .then()
        .statusCode(200)
        .body("pairing", hasSize(16))
        .body("flows", hasSize(16));
    given()
        .auth()
        .oauth2(operator)
        .queryParam("pattern", "gpu-to-moon")
        .get("/api/v1/hosts/" + dgx + "/prediction")
        .then()
        .statusCode(400)
        .body("detail", containsString("gpu-to-nic"));
    given()
        .auth()
        .oauth2(operator)
        .queryParam("flow", "0000:03:00.0>memory:0")
        .get("/api/v1/hosts/" + host + "/prediction")
        .then()
        .statusCode(200)
        .body("flows", hasSize(1));
    for (String bad : List.of("0000:03:00.0", "x>y", "0000:03:00.0>memory:a")) {
      given()
          .auth()
          .oauth2(operator)
          .queryParam("flow", bad)
          .get("/api/v1/hosts/" + host + "/prediction")
          .then()
          .statusCode(400)
          .contentType("application/problem+json");
    }
    given()
        .auth()
        .oauth2(operator)
        .queryParam("interSocketGBps", "-3")
        .get("/api/v1/hosts/" + host + "/prediction")
        .then()
        .statusCode(400);
  }

  @Test
  void hostSelectionRanksTheFleetAndSaysWhyHostsDoNotFit() throws Exception {
    String dgx = BandwidthClient.hostName("select-dgx2");
    ApiClient.importFixture(operator, "hwloc-xml/nvidiaDGX2.xml", dgx);
    var sel =
        given()
            .auth()
            .oauth2(operator)
            .contentType("application/json")
            .body("{\"gpusPerHost\":16,\"nicsPerGpu\":0}")
            .post("/api/v1/plans/select")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    List<String> qualified = sel.getList("qualified.host");
    assertTrue(qualified.contains(dgx), qualified.toString());
    assertEquals(16, sel.getList("qualified.find { it.host == '" + dgx + "' }.gpus").size());
    assertEquals(
        "0 NVIDIA GPUs; the job needs 16",
        sel.getString("rejected.find { it.host == '" + host + "' }.reason"));
    for (String bad :
        List.of(
            "",
            "[]",
            "{}",
            "{\"gpusPerHost\":0}",
            "{\"gpusPerHost\":\"8\"}",
            "{\"gpusPerHost\":8,\"fabric\":\"Omni-Path\"}",
            "{\"gpusPerHost\":8,\"x\":1}",
            "{\"gpusPerHost\":8,\"minGpuNicGBps\":\"fast\"}")) {
      given()
          .auth()
          .oauth2(operator)
          .contentType("application/json")
          .body(bad)
          .post("/api/v1/plans/select")
          .then()
          .statusCode(400)
          .contentType("application/problem+json");
    }
  }
}
