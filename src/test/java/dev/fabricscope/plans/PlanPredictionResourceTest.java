package dev.fabricscope.plans;

import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.BandwidthClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.config.JsonConfig;
import io.restassured.path.json.config.JsonPathConfig;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A plan's prediction for a custom list of flows and with capacity overrides (issue 13's prediction
 * panel), for a saved version, a preview and the comparison with the host.
 *
 * <p>The host is the NCCL topology of an AWS p4d.24xlarge ({@code nccl-xml/aws-p4d-24xl-topo.xml}):
 * NUMA node 0 holds switches 0 and 1, node 1 switches 2 and 3; each switch two A100s and one EFA
 * NIC; every link Gen3 x16, 13.59 GB/s usable per direction (PlanPageBrowserTest works the pattern
 * out from the same figure). Hand-worked cases:
 *
 * <ul>
 *   <li>GPU 10:1c.0 → the network through its switch's EFA 10:1b.0, alone: both links 13.59, so
 *       13.59; with GPU 10:1d.0 → the same EFA, the EFA's link is shared: 6.80 each.
 *   <li>Every GPU → host memory with memoryGBps=2: four GPUs per NUMA node share its 2 GB/s, 0.50
 *       each (below the 13.59 / 2 their switch uplinks would give).
 *   <li>GPU 10:1c.0 (node 0) → host memory of node 1 with interSocketGBps=3: the socket link is the
 *       bottleneck, 3.00.
 * </ul>
 */
@QuarkusTest
class PlanPredictionResourceTest {

  static final String GPU0 = "0000:10:1c.0";
  static final String GPU1 = "0000:10:1d.0";
  static final String ALONE = GPU0 + ">network:0000:10:1b.0";
  static final String SHARED = GPU1 + ">network:0000:10:1b.0";

  String operator;
  long id;

  /** A request whose JSON numbers read as doubles (closeTo compares doubles). */
  static RequestSpecification req() {
    return RestAssured.given()
        .config(
            RestAssured.config()
                .jsonConfig(
                    JsonConfig.jsonConfig()
                        .numberReturnType(JsonPathConfig.NumberReturnType.DOUBLE)));
  }

  @BeforeEach
  void setUp() throws Exception {
    operator = ApiClient.token(BandwidthClient.hostName("plan-pred-op"), "operator", null);
    String host = BandwidthClient.hostName("plan-pred-p4d");
    ApiClient.importFixture(operator, "nccl-xml/aws-p4d-24xl-topo.xml", host);
    id = ApiClient.createPlan(operator, host, null);
  }

  String prediction() {
    return "/api/v1/plans/" + id + "/versions/1/prediction";
  }

  @Test
  void customFlowsOfASavedVersion() {
    req()
        .queryParam("flow", ALONE)
        .get(prediction())
        .then()
        .statusCode(200)
        .body("pairing", hasSize(0))
        .body("flows", hasSize(1))
        .body("flows[0].source", equalTo(GPU0))
        .body("flows[0].target", equalTo("network:0000:10:1b.0"))
        .body("flows[0].predictedGBps", closeTo(13.59, 0.01));
    req()
        .queryParam("flow", ALONE, SHARED)
        .get(prediction())
        .then()
        .statusCode(200)
        .body("flows", hasSize(2))
        .body("flows.predictedGBps", everyItem(closeTo(6.80, 0.01)))
        .body("flows[0].bottleneck.flows", equalTo(2));
  }

  @Test
  void capacityOverridesOfASavedVersion() {
    req()
        .queryParam("pattern", "gpu-to-host")
        .queryParam("memoryGBps", "2")
        .get(prediction())
        .then()
        .statusCode(200)
        .body("flows", hasSize(8))
        .body("flows.predictedGBps", everyItem(closeTo(0.50, 0.001)))
        .body("flows[0].bottleneck.kind", equalTo("memory"));
    // the default is not that 2 GB/s
    req()
        .queryParam("pattern", "gpu-to-host")
        .get(prediction())
        .then()
        .statusCode(200)
        .body("flows.predictedGBps", everyItem(not(closeTo(0.50, 0.001))));
    req()
        .queryParam("flow", GPU0 + ">memory:1")
        .queryParam("interSocketGBps", "3")
        .get(prediction())
        .then()
        .statusCode(200)
        .body("flows[0].predictedGBps", closeTo(3.0, 0.001))
        .body("flows[0].bottleneck.kind", equalTo("inter-socket"));
  }

  @Test
  void aPreviewTakesFlowsAndOverridesAndTheComparisonToo() {
    String preview = "/api/v1/plans/" + id + "/preview";
    req()
        .contentType("application/json")
        .body("{\"edits\":[],\"flows\":[\"" + ALONE + "\",\"" + SHARED + "\"]}")
        .post(preview)
        .then()
        .statusCode(200)
        .body("prediction.flows.predictedGBps", everyItem(closeTo(6.80, 0.01)));
    req()
        .contentType("application/json")
        .body("{\"edits\":[],\"flows\":[\"" + GPU0 + ">memory:1\"],\"interSocketGBps\":3}")
        .post(preview)
        .then()
        .statusCode(200)
        .body("prediction.flows[0].predictedGBps", closeTo(3.0, 0.001));
    req()
        .contentType("application/json")
        .body("{\"edits\":[],\"pattern\":\"gpu-to-host\",\"memoryGBps\":2.0}")
        .post(preview)
        .then()
        .statusCode(200)
        .body("prediction.flows.predictedGBps", everyItem(closeTo(0.50, 0.001)));
    // the comparison predicts the same list on both sides: version 1 is the host as copied
    req()
        .queryParam("version", "1")
        .queryParam("flow", ALONE)
        .get("/api/v1/plans/" + id + "/compare")
        .then()
        .statusCode(200)
        .body("flows", hasSize(1))
        .body("flows[0].hostGBps", closeTo(13.59, 0.01))
        .body("flows[0].planGBps", closeTo(13.59, 0.01));
  }

  @Test
  void badFlowsAndCapacitiesAreProblems() {
    String preview = "/api/v1/plans/" + id + "/preview";
    for (String body :
        List.of(
            "{\"edits\":[],\"flows\":\"" + ALONE + "\"}",
            "{\"edits\":[],\"flows\":[1]}",
            "{\"edits\":[],\"flows\":[\"x>y\"]}",
            "{\"edits\":[],\"flows\":[\"" + GPU0 + "\"]}",
            "{\"edits\":[],\"flows\":[\"" + "a".repeat(101) + "\"]}",
            "{\"edits\":[],\"flows\":[\"" + ALONE + "\"],\"pattern\":\"gpu-to-host\"}",
            "{\"edits\":[],\"memoryGBps\":-2}",
            "{\"edits\":[],\"memoryGBps\":\"2\"}",
            "{\"edits\":[],\"interSocketGBps\":0}")) {
      req()
          .contentType("application/json")
          .body(body)
          .post(preview)
          .then()
          .statusCode(400)
          .contentType("application/problem+json");
    }
    req()
        .queryParam("flow", GPU0 + ">memory:zero")
        .get(prediction())
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", containsString("memory:zero"));
    req()
        .queryParam("flow", ALONE)
        .queryParam("pattern", "gpu-to-nic")
        .get(prediction())
        .then()
        .statusCode(400)
        .body("detail", containsString("not both"));
    req()
        .queryParam("interSocketGBps", "fast")
        .get("/api/v1/plans/" + id + "/compare")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
  }
}
