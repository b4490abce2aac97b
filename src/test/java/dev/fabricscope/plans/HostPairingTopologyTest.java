package dev.fabricscope.plans;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.BandwidthClient;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/v1/hosts/{host}/prediction/nccl-topology}: the pairing as NCCL's topology XML, on
 * LLNL Lassen (two ConnectX-5 functions per socket, all four paired; see core's {@code
 * PairingTopologyTest} for the NICs a smaller pairing leaves out).
 */
@QuarkusTest
class HostPairingTopologyTest {

  @Test
  void thePairingsNcclFileIsADownloadWithThePairedNics() throws Exception {
    String operator = ApiClient.token("pairing-xml-" + System.nanoTime(), "operator", null);
    String host = BandwidthClient.hostName("pairing-lassen");
    ApiClient.importFixture(operator, "hwloc-xml/llnl-lassen.xml", host);
    given()
        .auth()
        .oauth2(operator)
        .queryParam("pattern", "gpu-to-nic")
        .get("/api/v1/hosts/" + host + "/prediction/nccl-topology")
        .then()
        .statusCode(200)
        .contentType(startsWith("application/xml"))
        .header("Content-Disposition", containsString("attachment"))
        .body(startsWith("<system version=\"1\">"))
        .body(containsString("busid=\"0003:01:00.1\""))
        .body(containsString("busid=\"0033:01:00.0\""))
        .body(not(containsString("<?xml")));
    given()
        .auth()
        .oauth2(operator)
        .queryParam("pattern", "gpu-to-moon")
        .get("/api/v1/hosts/" + host + "/prediction/nccl-topology")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
    given()
        .auth()
        .oauth2(operator)
        .get("/api/v1/hosts/no-such-host/prediction/nccl-topology")
        .then()
        .statusCode(404);
  }
}
