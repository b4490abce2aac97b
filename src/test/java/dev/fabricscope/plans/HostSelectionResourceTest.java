package dev.fabricscope.plans;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.BandwidthClient;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/v1/plans/select}: the DGX-2 qualifies for 16 GPUs, the QEMU rig's host is
 * rejected with the reason, and malformed requests are problems.
 */
@QuarkusTest
class HostSelectionResourceTest extends OnTheRigHost {

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
