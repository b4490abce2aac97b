package dev.fabricscope.plans;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.path.HostBuilder;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.BandwidthClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The review of 2026-12-06: one valid agent report of thousands of GPUs and NICs made the planner
 * run the server out of heap (host offers, /prediction). Now it is stored (201), every prediction
 * of it is a 422 naming the planner's bound, host selection lists it as not planned and ranks the
 * others, and the server goes on answering.
 */
@QuarkusTest
class BigHostPlanningTest extends OnTheRigHost {

  @Inject HostOffers offers;
  @Inject InventoryStore inventory;

  static final int GPUS = 3000;
  static final int NICS = 3000;

  /** GPUs and NICs, each below its own root port (its own root bus), named {@code name}. */
  static byte[] report(String name) throws Exception {
    ObjectNode json = (ObjectNode) ReportJson.mapper().valueToTree(hostOf(GPUS, NICS));
    ((ObjectNode) json.get("host")).put("name", name);
    return ReportJson.mapper().writeValueAsBytes(json);
  }

  /** {@code gpus} GPUs, then {@code nics} NICs, each below its own root port (root bus). */
  static dev.fabricscope.topology.Report hostOf(int gpus, int nics) {
    HostBuilder b = HostBuilder.host();
    for (int i = 0; i < gpus + nics; i++) {
      String rp = String.format("%04x:00:00.0", i);
      String dev = String.format("%04x:01:00.0", i);
      b.rootPort(rp, i % 2);
      if (i < gpus) {
        b.gpu(dev, rp, 16, 16);
      } else {
        b.nic(dev, rp, 16, 16, "mlx5_" + (i - gpus), 400);
      }
    }
    return b.build();
  }

  @Test
  void aReportOfThousandsOfGpusAndNicsIsStoredAndRefusedByThePlannerOnly() throws Exception {
    String big = BandwidthClient.hostName("plan-huge");
    String agent = ApiClient.token(BandwidthClient.hostName("huge-agent"), "agent", big);
    String viewer = ApiClient.token(BandwidthClient.hostName("huge-viewer"), "viewer", null);
    byte[] body = report(big);
    assertTrue(body.length < 16 << 20, body.length + " bytes");
    ApiClient.sendReport(agent, body).then().statusCode(201);
    // planned in the background at once, as offering nothing, and so again at a start
    long snapshot = inventory.latestSnapshotIds().get(big);
    long until = System.nanoTime() + 20_000_000_000L;
    while (offers.plannedSnapshot(big) != snapshot && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertTrue(offers.kept(big).notPlanned().startsWith("the host has 3000 GPUs, 3000 NICs"));
    offers.forget();
    offers.warmUp();
    assertTrue(offers.kept(big).gpus().isEmpty());
    assertTrue(offers.kept(big).notPlanned().contains("65536"), offers.kept(big).toString());
    String dgx = BandwidthClient.hostName("huge-dgx2");
    ApiClient.importFixture(operator, "hwloc-xml/nvidiaDGX2.xml", dgx);

    long t0 = System.nanoTime();
    for (String pattern : List.of("gpu-to-nic", "gpu-to-host", "nvme-to-gpu")) {
      given()
          .auth()
          .oauth2(viewer)
          .queryParam("pattern", pattern)
          .get("/api/v1/hosts/" + big + "/prediction")
          .then()
          .statusCode(422)
          .contentType("application/problem+json")
          .body("detail", containsString("the host has 3000 GPUs, 3000 NICs"))
          .body("detail", containsString("the planner pairs at most 65536"));
    }
    given()
        .auth()
        .oauth2(viewer)
        .get("/api/v1/hosts/" + big + "/prediction/nccl-topology")
        .then()
        .statusCode(422)
        .contentType("application/problem+json");
    assertTrue(System.nanoTime() - t0 < 30_000_000_000L, "refused at once, not planned");
    // a custom list pairs nothing: planned, its filling bounded (Planner.MAX_FILL_VISITS); as
    // many flows as an 8 KiB request line holds, each GPU to a NIC of its own
    var custom = given().auth().oauth2(viewer);
    for (int k = 0; k < 150; k++) {
      custom.queryParam("flow", String.format("%04x:01:00.0>network:%04x:01:00.0", k, GPUS + k));
    }
    long t1 = System.nanoTime();
    custom
        .get("/api/v1/hosts/" + big + "/prediction")
        .then()
        .statusCode(200)
        .body("flows.size()", org.hamcrest.Matchers.is(150));
    assertTrue(System.nanoTime() - t1 < 10_000_000_000L, "a custom list answers within seconds");

    // a plan copied from it: the version's prediction and a preview are refused the same way
    long plan = ApiClient.createPlan(operator, big, null);
    given()
        .auth()
        .oauth2(viewer)
        .get("/api/v1/plans/" + plan + "/versions/1/prediction")
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body("detail", containsString("the planner pairs at most"));
    given()
        .auth()
        .oauth2(operator)
        .contentType("application/json")
        .body("{\"edits\":[]}")
        .post("/api/v1/plans/" + plan + "/preview")
        .then()
        .statusCode(422)
        .contentType("application/problem+json");

    // the server still answers, and host selection ranks the fleet with the big host left out
    given()
        .auth()
        .oauth2(viewer)
        .queryParam("pattern", "gpu-to-host")
        .get("/api/v1/hosts/" + dgx + "/prediction")
        .then()
        .statusCode(200);
    var sel =
        given()
            .auth()
            .oauth2(viewer)
            .contentType("application/json")
            .body("{\"gpusPerHost\":16,\"nicsPerGpu\":0}")
            .post("/api/v1/plans/select")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertTrue(sel.getList("qualified.host").contains(dgx), sel.prettify());
    String reason = sel.getString("rejected.find { it.host == '" + big + "' }.reason");
    assertTrue(reason.startsWith("not planned: the host has 3000 GPUs, 3000 NICs"), reason);
    assertEquals(List.of(), sel.getList("qualified.findAll { it.host == '" + big + "' }"));
  }
}
