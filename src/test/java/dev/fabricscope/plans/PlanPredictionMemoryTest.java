package dev.fabricscope.plans;

import static dev.fabricscope.plans.HostPredictionMemoryTest.assertMemory;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.BandwidthClient;
import dev.fabricscope.testing.H200Memcpy;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A plan predicts with the measured host memory of the host it was copied from: its versions, its
 * preview and its comparison with the host (both sides alike), on the H200 VM's tree with the
 * host-memcpy values measured on that VM, played through the agent API (as in {@link
 * HostPredictionMemoryTest}).
 *
 * <p>Hand-worked from the fixture: the GPU 0000:00:06.0 sits on the root bus at Gen5 x16 with a
 * MaxPayload of 256 bytes (h200-passthrough.lspci-vvvnn.txt), above 50 GB/s usable, so host memory
 * measured at 9.75 GB/s (the 1-thread copy) binds its one gpu-to-host flow. Version 2 sets the
 * GPU's link to Gen3 x4: 8 GT/s × 4 lanes × 128/130 / 8 = 3.9385 GB/s after encoding, × 256/(256 +
 * 26) TLP efficiency × 0.95 = 3.3966 GB/s usable (LinkMath), below the memory: the link binds (the
 * planner answers rates to 0.01 GB/s: 3.40).
 */
@QuarkusTest
class PlanPredictionMemoryTest {

  static final String GPU = "0000:00:06.0";
  static final double GEN3_X4_USABLE = 8.0 * 4 * 128 / 130 / 8 * 256 / 282 * 0.95;

  /** Rates come rounded to 0.01 GB/s. */
  static final double ROUNDING = 0.005;

  String operator;
  String viewer;
  String host;
  long id;

  @BeforeEach
  void plan() throws Exception {
    operator = ApiClient.token(BandwidthClient.hostName("planmem-op"), "operator", null);
    viewer = ApiClient.token(BandwidthClient.hostName("planmem-viewer"), "viewer", null);
    host = BandwidthClient.hostName("planmem-h200");
    ApiClient.importFixture(operator, "gpu-hosts/h200-passthrough.tar.bz2", host);
    id = ApiClient.createPlan(operator, host, null);
    given()
        .auth()
        .oauth2(operator)
        .contentType("application/json")
        .body(
            "{\"basedOn\":1,\"edits\":[{\"op\":\"set-link\",\"device\":\""
                + GPU
                + "\",\"speedGTs\":8,\"width\":4}]}")
        .post("/api/v1/plans/" + id + "/versions")
        .then()
        .statusCode(201);
  }

  JsonPath get(String path, String memoryGBps) {
    var req = given().auth().oauth2(viewer).queryParam("pattern", "gpu-to-host");
    if (memoryGBps != null) {
      req = req.queryParam("memoryGBps", memoryGBps);
    }
    return req.get("/api/v1/plans/" + id + path).then().statusCode(200).extract().jsonPath();
  }

  JsonPath prediction(int version, String memoryGBps) {
    return get("/versions/" + version + "/prediction", memoryGBps);
  }

  JsonPath compare(int version, String memoryGBps) {
    return get("/compare?version=" + version, memoryGBps);
  }

  JsonPath preview(String edits) {
    return given()
        .auth()
        .oauth2(viewer)
        .contentType("application/json")
        .body("{\"edits\":" + edits + ",\"pattern\":\"gpu-to-host\"}")
        .post("/api/v1/plans/" + id + "/preview")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath()
        .setRootPath("prediction");
  }

  /**
   * The one node's capacity in {@code p}'s capacities.memory (a comparison's or a prediction's).
   */
  static void assertNode(JsonPath p, double gbps, String source, Long jobId) {
    assertEquals(1, p.getList("capacities.memory").size(), p.prettify());
    assertEquals(0, p.getInt("capacities.memory[0].numaNode"));
    assertEquals(gbps, p.getDouble("capacities.memory[0].gbps"), 1e-9);
    assertEquals(source, p.getString("capacities.memory[0].source"));
    assertEquals(jobId, p.getObject("capacities.memory[0].jobId", Long.class));
  }

  /** The comparison's one flow: GPU → node 0's memory on the host and in the plan. */
  static void assertFlow(JsonPath c, double hostGBps, double planGBps) {
    assertEquals(1, c.getList("flows").size(), c.prettify());
    assertEquals(GPU, c.getString("flows[0].source"));
    assertEquals("memory:0", c.getString("flows[0].target"));
    assertEquals(hostGBps, c.getDouble("flows[0].hostGBps"), ROUNDING);
    assertEquals(planGBps, c.getDouble("flows[0].planGBps"), ROUNDING);
  }

  @Test
  void withoutMeasurementThePlanTakesTheDefault() {
    double def = H200Memcpy.measured().path("summary").path("hostMemcpy16ThreadsGBps").asDouble();
    JsonPath p = prediction(1, null);
    assertNode(p, def, "default", null);
    // the default (60.09) is above the Gen5 x16 link: the link binds on the host as copied
    assertEquals("pcie", p.getString("flows[0].bottleneck.kind"));
    assertNode(compare(2, null), def, "default", null);
  }

  @Test
  void versionsPreviewAndComparisonTakeTheHostsMeasuredMemory() {
    String agent = ApiClient.token(BandwidthClient.hostName("planmem-agent"), "agent", host);
    double one = H200Memcpy.copyGBps(1); // 9.75
    long a = H200Memcpy.run(operator, agent, host, "numa:0", 1, one, "measured");
    // version 1 is the host as copied: predicted as the host's own prediction is
    assertMemory(prediction(1, null), one, "measured", a, 1);
    assertMemory(preview("[]"), one, "measured", a, 1);
    // version 2's Gen3 x4 link binds below the measured memory, which it still reports
    JsonPath v2 = prediction(2, null);
    assertNode(v2, one, "measured", a);
    assertEquals(GEN3_X4_USABLE, v2.getDouble("flows[0].predictedGBps"), ROUNDING);
    assertEquals("pcie", v2.getString("flows[0].bottleneck.kind"));
    // both sides with the measured memory: only the edit changes the rate
    JsonPath c2 = compare(2, null);
    assertNode(c2, one, "measured", a);
    assertFlow(c2, one, GEN3_X4_USABLE);
    assertFlow(compare(1, null), one, one);
    // the query's memoryGBps still overrides, on both sides
    assertMemory(prediction(1, "5"), 5.0, "override", null, null);
    JsonPath o = compare(2, "5");
    assertNode(o, 5.0, "override", null);
    assertFlow(o, 5.0, GEN3_X4_USABLE);
  }
}
