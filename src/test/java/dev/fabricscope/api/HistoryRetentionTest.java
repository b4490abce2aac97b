package dev.fabricscope.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code fabricscope.history.max-snapshots-per-host} as an agent meets it: a token that sends a
 * changed report in a loop leaves its host the newest few snapshots, the others' history untouched,
 * and {@code fabricscope_snapshots_pruned_total} says how many went.
 */
@QuarkusTest
@TestProfile(HistoryRetentionTest.KeepThree.class)
class HistoryRetentionTest {

  /** Three snapshots per host. */
  public static class KeepThree implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("fabricscope.history.max-snapshots-per-host", "3");
    }
  }

  @Test
  void aLoopingAgentKeepsOnlyTheNewestSnapshots() throws Exception {
    String report =
        new String(ApiClient.resource("valid-report.json"), StandardCharsets.UTF_8)
            .replace("corpus-host", "looping-host");
    String token = ApiClient.token("looping-" + System.nanoTime(), "agent", "looping-host");
    String quiet = ApiClient.token("quiet-" + System.nanoTime(), "agent", "quiet-host");
    ApiClient.sendReport(
            quiet, report.replace("looping-host", "quiet-host").getBytes(StandardCharsets.UTF_8))
        .then()
        .statusCode(201);
    double before = pruned();
    List<Long> sent = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String body = report.replace("intel_iommu=on", "intel_iommu=on hugepages=" + i);
      ApiClient.sendReport(token, body.getBytes(StandardCharsets.UTF_8)).then().statusCode(201);
      sent.add(latest("looping-host"));
    }
    List<Long> kept = new ArrayList<>();
    for (Object o :
        given()
            .get("/api/v1/hosts/looping-host/snapshots")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("id")) {
      kept.add(((Number) o).longValue());
    }
    assertEquals(List.of(sent.get(7), sent.get(6), sent.get(5)), kept);
    given().get("/api/v1/hosts/looping-host/snapshots/" + sent.get(0)).then().statusCode(404);
    given().get("/api/v1/hosts/quiet-host/snapshots").then().statusCode(200);
    assertEquals(
        1, given().get("/api/v1/hosts/quiet-host/snapshots").jsonPath().getList("id").size());
    assertEquals(5.0, pruned() - before);
  }

  private static long latest(String host) {
    return ((Number) given().get("/api/v1/hosts/" + host).jsonPath().get("latestSnapshotId"))
        .longValue();
  }

  private static double pruned() {
    return dev.fabricscope.metrics.MetricsPromtoolTest.scrape()
        .value("fabricscope_snapshots_pruned_total", "");
  }
}
