package dev.fabricscope.findings;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fabricscope.p2p.FleetFindings;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.topology.NvmlHosts;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * A report at the ingest limit whose 350 GPUs each list all the others in NVML (61,075 driver
 * pairs, each once a full verdict and a finding of its own): stored through the real ingest path,
 * and its findings are one {@code DRIVER_P2P_NOT_ANALYSED} warning, quickly, beside the rules that
 * still run, in the API and on the findings page.
 */
@QuarkusTest
class DriverPairsIngestTest {

  @Test
  void aReportOfEveryGpuPairIsStoredAndShownAsNotAnalysed() throws Exception {
    IngestedHost host = IngestedHost.named("nvml-dense");
    ObjectNode json =
        (ObjectNode) ReportJson.mapper().valueToTree(NvmlHosts.peered(host.name(), 350, 8, 349));
    ((ObjectNode) json.get("host")).put("name", host.name());
    byte[] body = ReportJson.mapper().writeValueAsBytes(json);
    assertTrue(body.length > 12 << 20 && body.length < 16 << 20, body.length + " bytes");
    host.send(body);

    long t0 = System.nanoTime();
    host.findings()
        .body("findAll { it.rule == 'DRIVER_P2P_DISAGREES' }", hasSize(0))
        .body("findAll { it.rule == 'DRIVER_P2P_NOT_ANALYSED' }", hasSize(1))
        .body(
            "find { it.rule == 'DRIVER_P2P_NOT_ANALYSED' }.message",
            containsString("lists 61075 GPU pairs, over the 4096"))
        .body("find { it.rule == 'DRIVER_P2P_NOT_ANALYSED' }.severity", containsString("warning"))
        .body("findAll { it.rule == 'GPU_WITHOUT_CLOSE_NIC' }", hasSize(128))
        .body("findAll { it.rule == 'GPU_WITHOUT_CLOSE_NIC' }.sum { it.count }", equalTo(350));
    assertTrue(System.nanoTime() - t0 < 20_000_000_000L, "within seconds");
    given()
        .auth()
        .oauth2(host.viewer())
        .queryParam("rule", FleetFindings.DRIVER_P2P_NOT_ANALYSED)
        .get("/findings")
        .then()
        .statusCode(200)
        .body(containsString(host.name()));
    // the page counts the findings folded into the 128th, as the API and the gauges do
    host.page().body(containsString("title=\"350 finding(s)\">350</span>"));
  }
}
