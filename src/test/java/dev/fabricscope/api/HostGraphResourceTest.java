package dev.fabricscope.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.BandwidthClient;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The drawable graph through the API (issue 14): NVLink edges on the DGX-2, names, bad input. */
@QuarkusTest
class HostGraphResourceTest {

  @Test
  void theDgx2GraphHasNvlinkEdgesAndTheMatrixNames() throws Exception {
    String op = ApiClient.token(BandwidthClient.hostName("graph-op"), "operator", null);
    String host = BandwidthClient.hostName("graph-dgx2");
    ApiClient.importFixture(op, "hwloc-xml/nvidiaDGX2.xml", host);
    given()
        .auth()
        .oauth2(op)
        .get("/api/v1/hosts/" + host + "/graph")
        .then()
        .statusCode(200)
        .body("edges.findAll { it.kind == 'nvlink' }.size()", greaterThan(0))
        .body("edges.findAll { it.kind == 'nvlink' }.label", everyItem(startsWith("NV")))
        .body("nodes.findAll { it.kind == 'gpu' }", hasSize(16))
        .body("nodes.name", hasItem("GPU0"));
    // nvidia-smi prints NV6 for GPU0-GPU8 of a DGX-2 (two baseboards): the route is both GPUs'
    // six links into their boards' NVSwitches
    given()
        .auth()
        .oauth2(op)
        .queryParam("a", "GPU0")
        .queryParam("b", "GPU8")
        .get("/api/v1/hosts/" + host + "/graph/route")
        .then()
        .statusCode(200)
        .body("label", equalTo("NV6"))
        .body("nvlink.edges", hasSize(12))
        .body("nvlink.viaSwitches", equalTo(true))
        .body("nvlink.edges", everyItem(startsWith("nv:")));
    given()
        .auth()
        .oauth2(op)
        .queryParam("a", "GPU0")
        .queryParam("b", "no-such-device")
        .get("/api/v1/hosts/" + host + "/graph/route")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
    long snapshot =
        given()
            .auth()
            .oauth2(op)
            .get("/api/v1/hosts/" + host + "/snapshots")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getLong("[0].id");
    given()
        .auth()
        .oauth2(op)
        .queryParam("snapshot", snapshot)
        .get("/api/v1/hosts/" + host + "/graph")
        .then()
        .statusCode(200)
        .body("edges.findAll { it.kind == 'nvlink' }.size()", greaterThan(0));
    for (String bad : List.of("0", "x")) {
      given()
          .auth()
          .oauth2(op)
          .queryParam("snapshot", bad)
          .get("/api/v1/hosts/" + host + "/graph")
          .then()
          .statusCode(400)
          .contentType("application/problem+json");
    }
    given()
        .auth()
        .oauth2(op)
        .queryParam("snapshot", 999999999)
        .get("/api/v1/hosts/" + host + "/graph")
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    given()
        .auth()
        .oauth2(op)
        .queryParam("platform", "maybe")
        .get("/api/v1/hosts/" + host + "/graph")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
    given()
        .auth()
        .oauth2(op)
        .get("/api/v1/hosts/no-such-graph-host/graph")
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
  }
}
