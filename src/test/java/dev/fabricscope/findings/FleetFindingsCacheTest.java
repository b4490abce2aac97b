package dev.fabricscope.findings;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.fabricscope.p2p.Finding;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.DowntrainedHost;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fleet findings after an ingest: the host with a new snapshot is parsed again, the others are not.
 * The review saw an agent sending changed reports in a loop make every findings request parse every
 * host of the fleet; a kept host's findings are now the same objects after the ingest.
 */
@QuarkusTest
class FleetFindingsCacheTest {

  @Inject FleetFindingsService findings;

  @Test
  void anIngestReparsesOnlyItsHost() throws Exception {
    String operator = ApiClient.token("cache-op-" + System.nanoTime(), "operator", null);
    importHost(operator, "cache-kept", 1);
    importHost(operator, "cache-changed", 1);
    List<Finding> kept = of("cache-kept");
    List<Finding> changed = of("cache-changed");
    assertFalse(kept.isEmpty(), "the downtrained GPU is a finding");

    importHost(operator, "cache-changed", 2); // a new snapshot of one host only
    List<Finding> keptAfter = of("cache-kept");
    List<Finding> changedAfter = of("cache-changed");
    assertEquals(kept, keptAfter);
    for (int i = 0; i < kept.size(); i++) {
      assertSame(kept.get(i), keptAfter.get(i), "not parsed again: " + kept.get(i));
    }
    assertEquals(changed, changedAfter);
    assertNotSame(changed.get(0), changedAfter.get(0), "parsed again from its new snapshot");
  }

  private List<Finding> of(String host) {
    return findings.all().stream().filter(f -> f.host().equals(host)).toList();
  }

  /** Imports the downtrained host; another kernel {@code version} makes each import a snapshot. */
  private static void importHost(String operator, String name, int version) throws Exception {
    DowntrainedHost h = DowntrainedHost.named(name);
    String json = ReportJson.write(h.report());
    if (!json.contains("\"6.12.0\"")) {
      throw new AssertionError("the synthetic host's kernel is no longer 6.12.0");
    }
    json = json.replace("\"6.12.0\"", "\"6.12." + version + "\"");
    given()
        .auth()
        .oauth2(operator)
        .contentType("application/json")
        .body(json.getBytes(StandardCharsets.UTF_8))
        .queryParam("host", name)
        .post("/api/v1/imports")
        .then()
        .statusCode(201);
  }
}
