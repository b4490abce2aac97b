package dev.fabricscope.metrics;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.findings.FleetFindingsService;
import dev.fabricscope.inventory.BandwidthJobStore;
import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.p2p.Finding;
import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.Tool;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 11, Prometheus: {@code /q/metrics} as Prometheus's own {@code promtool check metrics} (from
 * Debian's {@code prometheus} package, installed by {@code .ci/run}) reads it, and every {@code
 * fabricscope_*} series there from the start. Its own profile gives it a fresh application, so the
 * first test sees the counters before any report.
 */
@QuarkusTest
@TestProfile(MetricsPromtoolTest.Fresh.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public class MetricsPromtoolTest {

  /** A fresh application; the gauges refresh only when a test asks. */
  public static class Fresh implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("fabricscope.metrics.refresh", "1h");
    }
  }

  /** Prometheus's text format, the one promtool parses (the default answer is OpenMetrics). */
  static final String TEXT_FORMAT = "text/plain; version=0.0.4";

  @Inject FleetGauges gauges;
  @Inject FleetFindingsService findings;
  @Inject InventoryStore store;
  @Inject BandwidthJobStore jobs;

  @Test
  @Order(1)
  void everySeriesIsThereFromStartWithHelp() {
    PromText m = scrape();
    for (String family :
        List.of(
            "fabricscope_reports_received_total",
            "fabricscope_reports_rejected_total",
            "fabricscope_reports_stored_total",
            "fabricscope_snapshots_pruned_total",
            "fabricscope_reports_throttled_total",
            "fabricscope_ingest_seconds",
            "fabricscope_hosts",
            "fabricscope_hosts_stale",
            "fabricscope_findings",
            "fabricscope_bandwidth_tests")) {
      assertTrue(m.hasHelp(family), "HELP of " + family + "\n" + m.text());
    }
    // no report yet in this application: counters at zero, not absent
    assertEquals(0.0, m.value("fabricscope_reports_received_total", ""));
    assertEquals(0.0, m.value("fabricscope_reports_rejected_total", ""));
    assertEquals(0.0, m.value("fabricscope_reports_stored_total", "outcome=\"created\""));
    assertEquals(0.0, m.value("fabricscope_reports_stored_total", "outcome=\"unchanged\""));
    assertEquals(0.0, m.value("fabricscope_snapshots_pruned_total", ""));
    assertEquals(0.0, m.value("fabricscope_reports_throttled_total", ""));
    assertEquals(0.0, m.value("fabricscope_ingest_seconds_count", ""));
    assertEquals(0.0, m.value("fabricscope_ingest_seconds_bucket", "le=\"0.001\""));
    assertEquals(0.0, m.value("fabricscope_ingest_seconds_bucket", "le=\"+Inf\""));
    m.value("fabricscope_hosts", "");
    m.value("fabricscope_hosts_stale", "");
    for (String rule : FleetGauges.RULES) {
      for (Finding.Severity s : Finding.Severity.values()) {
        m.value("fabricscope_findings", "rule=\"" + rule + "\",severity=\"" + s.json() + "\"");
      }
    }
    for (BandwidthJobStore.State s : BandwidthJobStore.State.values()) {
      m.value("fabricscope_bandwidth_tests", "state=\"" + s.json() + "\"");
    }
  }

  @Test
  @Order(2)
  void promtoolFindsNoProblemAfterTraffic() throws Exception {
    // traffic first, so the HTTP, ingest and worker-pool meters all have series to check
    byte[] report = ApiClient.resource("valid-report.json");
    String body = new String(report, StandardCharsets.UTF_8).replace("corpus-host", "metrics-host");
    String token = ApiClient.token("metrics-agent", "agent", "metrics-host");
    ApiClient.sendReport(token, body.getBytes(StandardCharsets.UTF_8)).then().statusCode(201);
    ApiClient.sendReport(token, body.getBytes(StandardCharsets.UTF_8)).then().statusCode(200);
    ApiClient.sendReport(token, "{".getBytes(StandardCharsets.UTF_8)).then().statusCode(400);
    given().get("/api/v1/hosts/metrics-host").then().statusCode(200);
    given().get("/api/v1/hosts/no-such-host").then().statusCode(404);

    PromText m = scrape();
    Path file = Path.of("target", "metrics.prom");
    Files.writeString(file, m.text());
    Tool.Result r =
        Tool.run(
            List.of("promtool", "check", "metrics"),
            null,
            Map.of(),
            m.text().getBytes(StandardCharsets.UTF_8),
            "apt-get install prometheus (Debian's package ships /usr/bin/promtool)");
    assertEquals(
        0, r.exitCode(), "promtool check metrics on " + file.toAbsolutePath() + ":\n" + r.output());
    assertEquals("", r.output().strip(), "promtool's findings");

    assertEquals(3.0, m.value("fabricscope_reports_received_total", ""));
    assertEquals(1.0, m.value("fabricscope_reports_rejected_total", ""));
    assertEquals(1.0, m.value("fabricscope_reports_stored_total", "outcome=\"created\""));
    assertEquals(1.0, m.value("fabricscope_reports_stored_total", "outcome=\"unchanged\""));
    assertEquals(3.0, m.value("fabricscope_ingest_seconds_count", ""));
    assertEquals(3.0, m.value("fabricscope_ingest_seconds_bucket", "le=\"10.0\""));
  }

  @Test
  @Order(3)
  void gaugesCountWhatTheApiShows() {
    findings.invalidate();
    gauges.refresh(Instant.now());
    PromText m = scrape();
    List<InventoryStore.Host> hosts = allHosts();
    assertEquals(hosts.size(), m.value("fabricscope_hosts", ""));
    Map<String, Long> expected =
        findings.all().stream()
            .collect(
                Collectors.groupingBy(
                    f -> "rule=\"" + f.rule() + "\",severity=\"" + f.severity().json() + "\"",
                    Collectors.counting()));
    for (String rule : FleetGauges.RULES) {
      for (Finding.Severity s : Finding.Severity.values()) {
        String labels = "rule=\"" + rule + "\",severity=\"" + s.json() + "\"";
        assertEquals(
            expected.getOrDefault(labels, 0L).doubleValue(),
            m.value("fabricscope_findings", labels),
            labels);
      }
    }
    double tests = 0;
    for (BandwidthJobStore.State s : BandwidthJobStore.State.values()) {
      tests += m.value("fabricscope_bandwidth_tests", "state=\"" + s.json() + "\"");
    }
    assertEquals(jobs.rowCount(), tests);

    // a month on, every host an agent reports is stale; imported ones have no agent to miss
    gauges.refresh(Instant.now().plus(Duration.ofDays(30)));
    long agentHosts = hosts.stream().filter(h -> !h.imported()).count();
    assertTrue(agentHosts > 0, "metrics-host at least");
    assertEquals(agentHosts, scrape().value("fabricscope_hosts_stale", ""));
    gauges.refresh(Instant.now());
    assertEquals(0.0, scrape().value("fabricscope_hosts_stale", ""), "all seen just now");
  }

  private List<InventoryStore.Host> allHosts() {
    List<InventoryStore.Host> out = new ArrayList<>();
    while (true) {
      var page = store.hosts(new InventoryStore.HostQuery(null, null, null, out.size(), 500));
      out.addAll(page.items());
      if (page.items().isEmpty() || out.size() >= page.total()) {
        return out;
      }
    }
  }

  public static PromText scrape() {
    String text =
        given()
            .auth()
            .oauth2(ApiClient.ADMIN)
            .header("Accept", TEXT_FORMAT)
            .get("/q/metrics")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    return new PromText(text);
  }
}
