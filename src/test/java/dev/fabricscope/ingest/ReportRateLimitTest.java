package dev.fabricscope.ingest;

import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.metrics.MetricsPromtoolTest;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One agent token may not take the ingest threads from the others: past {@code
 * fabricscope.ingest.parsed-burst-per-host} reports that cost a parse (changed or refused), and the
 * rate after it, a report is a 429 problem with the Retry-After of the next place. Unchanged
 * reports and heartbeats are answered from memory and never count; other hosts are not affected.
 */
@QuarkusTest
@TestProfile(ReportRateLimitTest.Small.class)
class ReportRateLimitTest {

  @Inject InventoryStore store;

  /** Three at once, then one a minute (the suite itself runs without a practical limit). */
  public static class Small implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "fabricscope.ingest.parsed-burst-per-host", "3",
          "fabricscope.ingest.parsed-per-minute-per-host", "1");
    }
  }

  @Test
  void changedReportsPastTheBurstAreRefusedUnchangedOnesNot() throws Exception {
    String host = "rate-" + System.nanoTime();
    String token = ApiClient.token(host, "agent", host);
    double before = throttled();
    for (int v = 0; v < 3; v++) {
      ApiClient.sendReport(token, report(host, v)).then().statusCode(201);
    }
    var refused = ApiClient.sendReport(token, report(host, 3)).then().statusCode(429);
    refused
        .contentType(containsString("application/problem+json"))
        .body("title", containsString("Too many reports"))
        .body("detail", containsString("fabricscope.ingest.parsed-"))
        .body("detail", containsString(host));
    int retryAfter = Integer.parseInt(refused.extract().header("Retry-After"));
    assertTrue(retryAfter > 50 && retryAfter <= 60, "one place a minute: " + retryAfter);

    // the latest content again and heartbeats: answered from memory, never counted
    for (int i = 0; i < 10; i++) {
      ApiClient.sendReport(token, report(host, 2)).then().statusCode(200);
    }
    String hash = store.latestHash(host).orElseThrow();
    String hb = "{\"host\":\"" + host + "\",\"contentHash\":\"" + hash + "\"}";
    for (int i = 0; i < 10; i++) {
      RestAssured.given()
          .auth()
          .oauth2(token)
          .contentType("application/json")
          .body(hb)
          .post("/api/v1/reports/heartbeat")
          .then()
          .statusCode(204);
    }
    // still refused, and nothing stored for it
    long snapshots = store.snapshots(host).size();
    ApiClient.sendReport(token, report(host, 4)).then().statusCode(429);
    assertEquals(snapshots, store.snapshots(host).size());
    assertEquals(2.0, throttled() - before);

    // another host's agent has its own places
    String other = "rate-other-" + System.nanoTime();
    ApiClient.sendReport(ApiClient.token(other, "agent", other), report(other, 0))
        .then()
        .statusCode(201);
  }

  @Test
  void refusedReportsCountToo() throws Exception {
    String host = "rate-bad-" + System.nanoTime();
    String token = ApiClient.token(host, "agent", host);
    byte[] bad = "{\"schemaVersion\": 1, \"nonsense\": true}".getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < 3; i++) {
      int status = ApiClient.sendReport(token, bad).then().extract().statusCode();
      assertTrue(status == 400 || status == 422, "refused by the checks: " + status);
    }
    ApiClient.sendReport(token, report(host, 0)).then().statusCode(429);
  }

  @Test
  void anAdminIsCountedByItsName() throws Exception {
    String name = "rate-admin-" + System.nanoTime();
    String admin = ApiClient.token(name, "admin", null);
    for (int v = 0; v < 3; v++) {
      String host = name + "-h" + v;
      ApiClient.sendReport(admin, report(host, 0)).then().statusCode(201);
    }
    ApiClient.sendReport(admin, report(name + "-h3", 0))
        .then()
        .statusCode(429)
        .body("detail", containsString("caller " + name));
  }

  /** The report as an agent writes it (canonical JSON), so the same content is the same bytes. */
  static byte[] report(String host, int version) throws Exception {
    String report = new String(ApiClient.resource("valid-report.json"), StandardCharsets.UTF_8);
    return ReportJson.mapper()
        .writeValueAsBytes(
            ReportJson.read(
                report
                    .replace("corpus-host", host)
                    .replace("intel_iommu=on", "intel_iommu=on hugepages=" + version)));
  }

  static double throttled() {
    return MetricsPromtoolTest.scrape().value("fabricscope_reports_throttled_total", "");
  }
}
