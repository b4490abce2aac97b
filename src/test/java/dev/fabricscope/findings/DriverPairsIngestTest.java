package dev.fabricscope.findings;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fabricscope.p2p.FleetFindings;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.BandwidthClient;
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
    String host = BandwidthClient.hostName("nvml-dense");
    String agent = ApiClient.token(BandwidthClient.hostName("dense-agent"), "agent", host);
    String viewer = ApiClient.token(BandwidthClient.hostName("dense-viewer"), "viewer", null);
    ObjectNode json =
        (ObjectNode) ReportJson.mapper().valueToTree(NvmlHosts.peered(host, 350, 8, 349));
    ((ObjectNode) json.get("host")).put("name", host);
    byte[] body = ReportJson.mapper().writeValueAsBytes(json);
    assertTrue(body.length > 12 << 20 && body.length < 16 << 20, body.length + " bytes");
    ApiClient.sendReport(agent, body).then().statusCode(201);

    long t0 = System.nanoTime();
    given()
        .auth()
        .oauth2(viewer)
        .queryParam("host", host)
        .get("/api/v1/findings")
        .then()
        .statusCode(200)
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
        .oauth2(viewer)
        .queryParam("rule", FleetFindings.DRIVER_P2P_NOT_ANALYSED)
        .get("/findings")
        .then()
        .statusCode(200)
        .body(containsString(host));
    // the page counts the findings folded into the 128th, as the API and the gauges do
    given()
        .auth()
        .oauth2(viewer)
        .queryParam("host", host)
        .get("/findings")
        .then()
        .statusCode(200)
        .body(containsString("title=\"350 finding(s)\">350</span>"));
  }
}
