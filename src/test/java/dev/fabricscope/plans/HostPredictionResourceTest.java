package dev.fabricscope.plans;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;

import dev.fabricscope.path.HostBuilder;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.BandwidthClient;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/v1/hosts/{host}/prediction}: a named pattern on the DGX-2 (a flow per GPU),
 * custom flows on the QEMU rig's host, and refused patterns, flows and capacities as problems.
 */
@QuarkusTest
class HostPredictionResourceTest extends OnTheRigHost {

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

  /**
   * 65 GPUs: all-to-all is 4,160 flows, over the planner's 4,096 (once millions, and gigabytes).
   */
  @Test
  void anAllToAllBeyondThePlannersBoundIsA422() {
    HostBuilder b = HostBuilder.host().rootPort("0000:00:01.0", 0);
    for (int i = 0; i < 65; i++) {
      String port = String.format("0000:00:%02x.%d", 2 + i / 8, i % 8);
      b.switchDown(port, "0000:00:01.0").gpu(String.format("0000:%02x:00.0", 16 + i), port, 16, 16);
    }
    String name = BandwidthClient.hostName("plan-65-gpus");
    given()
        .auth()
        .oauth2(operator)
        .body(ReportJson.write(b.build()))
        .post("/api/v1/imports?host=" + name)
        .then()
        .statusCode(201);
    given()
        .auth()
        .oauth2(operator)
        .queryParam("pattern", "gpu-all-to-all")
        .get("/api/v1/hosts/" + name + "/prediction")
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body("detail", containsString("4160 flows (65 GPUs)"));
  }

  /**
   * The review of 2026-12-06: memoryGBps=7e-321 (a subnormal) made max-min filling throw, a 500.
   * Overrides are 0.001 to below 1,000,000 GB/s: outside, a 400 naming the range.
   */
  @Test
  void capacityOverridesOutsideTheirRangeAreA400() throws Exception {
    String dgx = BandwidthClient.hostName("plan-tiny");
    ApiClient.importFixture(operator, "hwloc-xml/nvidiaDGX2.xml", dgx);
    for (String bad : List.of("7e-321", "4.9e-324", "0.0009", "1e6", "0", "NaN", "Infinity")) {
      for (String param : List.of("memoryGBps", "interSocketGBps")) {
        given()
            .auth()
            .oauth2(operator)
            .queryParam("pattern", "gpu-to-host")
            .queryParam(param, bad)
            .get("/api/v1/hosts/" + dgx + "/prediction")
            .then()
            .statusCode(400)
            .contentType("application/problem+json")
            .body("detail", containsString(param + " must be a number of GB/s from 0.001"));
      }
    }
    given()
        .auth()
        .oauth2(operator)
        .queryParam("pattern", "gpu-to-host")
        .queryParam("memoryGBps", "0.001")
        .queryParam("interSocketGBps", "0.001")
        .get("/api/v1/hosts/" + dgx + "/prediction")
        .then()
        .statusCode(200)
        .body("flows", hasSize(16));
  }
}
