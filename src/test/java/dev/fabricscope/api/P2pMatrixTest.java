package dev.fabricscope.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.report.ReportJson;
import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.CompactP2p;
import dev.fabricscope.topology.SyntheticHosts;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code /p2p}: the compact matrix against the per-pair explanation, and its bounds. */
@QuarkusTest
class P2pMatrixTest {

  @Inject P2pMatrices matrices;

  private static void importFixture(String fixture, String host) throws Exception {
    ApiClient.importFixture(ApiClient.ADMIN, fixture, host);
  }

  private static JsonPath p2p(String host) {
    return given()
        .auth()
        .oauth2(ApiClient.ADMIN)
        .get("/api/v1/hosts/" + host + "/p2p")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  private static void sendSynthetic(String host, int endpoints) {
    String json = ReportJson.write(SyntheticHosts.nestedSwitches(host, endpoints));
    ApiClient.sendReport(ApiClient.ADMIN, json.getBytes(StandardCharsets.UTF_8))
        .then()
        .statusCode(201);
  }

  @Test
  void everyPairEqualsThePerPairExplanation() throws Exception {
    // a real GPU box (NVLink, two-level PLX switches) and a real sysfs tree with soft RoCE
    importFixture("hwloc-xml/nvidiaDGX2.xml", "p2p-dgx2");
    importFixture("sysfs/qemu-rig-iommu.tar.gz", "p2p-rig");
    int checked = 0;
    for (String host : List.of("p2p-dgx2", "p2p-rig")) {
      JsonPath m = p2p(host);
      assertTrue(m.getLong("snapshotId") > 0);
      for (CompactP2p.Pair p : CompactP2p.pairs(m)) {
        JsonPath full =
            given()
                .auth()
                .oauth2(ApiClient.ADMIN)
                .queryParam("a", p.a())
                .queryParam("b", p.b())
                .get("/api/v1/hosts/" + host + "/paths")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        String what = host + " " + p.a() + " / " + p.b();
        for (String field : List.of("kernel", "nvidia", "nvidiaPcie", "nccl")) {
          assertEquals(full.get(field), (Object) p.verdict().get(field), what + " " + field);
        }
        Map<String, Object> bottleneck = full.get("bottleneck");
        Map<String, Object> expected = null;
        if (bottleneck != null) {
          expected = new HashMap<>(bottleneck);
          expected.remove("bdf"); // the compact form keeps the bandwidth only
        }
        assertEquals(expected, p.verdict().get("bottleneck"), what + " bottleneck");
        checked++;
      }
    }
    assertTrue(checked >= 16 * 15 / 2 + 1, checked + " pairs");
  }

  @Test
  void moreDevicesThanTheMaximumIsAProblem() {
    int max = matrices.maxDevices();
    sendSynthetic("p2p-at-limit", max);
    JsonPath ok = p2p("p2p-at-limit");
    assertEquals(max, ok.getList("devices").size());
    assertEquals(max * (max - 1) / 2, ok.getList("pairs").size());
    sendSynthetic("p2p-over-limit", max + 1);
    given()
        .auth()
        .oauth2(ApiClient.ADMIN)
        .get("/api/v1/hosts/p2p-over-limit/p2p")
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body("status", equalTo(422))
        .body("detail", containsString((max + 1) + " matrix devices"));
  }

  @Test
  void noFreeSlotIsA503AndACachedAnswerNeedsNoSlot() {
    sendSynthetic("p2p-busy", 40);
    int held = matrices.slots().drainPermits();
    assertTrue(held > 0);
    try {
      given()
          .auth()
          .oauth2(ApiClient.ADMIN)
          .get("/api/v1/hosts/p2p-busy/p2p")
          .then()
          .statusCode(503)
          .contentType("application/problem+json")
          .header("Retry-After", notNullValue());
    } finally {
      matrices.slots().release(held);
    }
    JsonPath first = p2p("p2p-busy");
    assertEquals(40, first.getList("devices").size());
    held = matrices.slots().drainPermits();
    try {
      // the same snapshot again: served from the cache while every slot is taken
      assertEquals(first.getList("pairs"), p2p("p2p-busy").getList("pairs"));
    } finally {
      matrices.slots().release(held);
    }
  }
}
