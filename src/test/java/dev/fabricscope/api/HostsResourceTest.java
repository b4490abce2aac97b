package dev.fabricscope.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The read API over imported real machines. */
@QuarkusTest
class HostsResourceTest {

  static String operator;

  @BeforeEach
  void importFixtures() throws Exception {
    if (operator != null) {
      return; // once per class; RestAssured knows the test port only in instance callbacks
    }
    operator = ApiClient.token("hosts-operator-" + System.nanoTime(), "operator", null);
    importFile("hwloc-xml/nvidiaDGX2.xml", "dgx2-read-api");
    importFile("sysfs/qemu-rig-iommu.tar.gz", "rig-read-api");
  }

  static Response importFile(String fixture, String host) throws Exception {
    Response r =
        given()
            .auth()
            .oauth2(operator)
            .contentType("application/octet-stream")
            .queryParam("host", host)
            .queryParam("label", "rack=r7")
            .body(Files.readAllBytes(Fixtures.root().resolve(fixture)))
            .post("/api/v1/imports");
    r.then().statusCode(201);
    return r;
  }

  @Test
  void listFiltersAndPages() {
    given()
        .auth()
        .oauth2(operator)
        .queryParam("name", "read-api")
        .get("/api/v1/hosts")
        .then()
        .statusCode(200)
        .body("total", greaterThanOrEqualTo(2))
        .body("items.name", hasItem("dgx2-read-api"));
    given()
        .auth()
        .oauth2(operator)
        .queryParam("name", "read-api")
        .queryParam("hasGpu", true)
        .get("/api/v1/hosts")
        .then()
        .statusCode(200)
        .body("items.name", equalTo(List.of("dgx2-read-api")));
    given()
        .auth()
        .oauth2(operator)
        .queryParam("label", "rack=r7")
        .queryParam("limit", 1)
        .get("/api/v1/hosts")
        .then()
        .statusCode(200)
        .body("items.size()", equalTo(1))
        .body("limit", equalTo(1));
    given()
        .auth()
        .oauth2(operator)
        .queryParam("limit", 100000)
        .get("/api/v1/hosts")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
  }

  @Test
  void hostSnapshotsTopologyAndP2p() {
    given()
        .auth()
        .oauth2(operator)
        .get("/api/v1/hosts/dgx2-read-api")
        .then()
        .statusCode(200)
        .body("summary.gpus", equalTo(16))
        .body("imported", equalTo(true));
    given()
        .auth()
        .oauth2(operator)
        .get("/api/v1/hosts/dgx2-read-api/snapshots")
        .then()
        .statusCode(200)
        .body("size()", greaterThanOrEqualTo(1));
    given()
        .auth()
        .oauth2(operator)
        .get("/api/v1/hosts/dgx2-read-api/topology")
        .then()
        .statusCode(200)
        .body("schemaVersion", equalTo(1))
        .body("source", equalTo("hwloc-xml"));
    Response p2p = given().auth().oauth2(operator).get("/api/v1/hosts/dgx2-read-api/p2p");
    p2p.then().statusCode(200);
    assertEquals(16 * 15 / 2, p2p.<List<?>>path("pairs").size());
    given()
        .auth()
        .oauth2(operator)
        .get("/api/v1/hosts/nope-not-here")
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    given()
        .auth()
        .oauth2(operator)
        .queryParam("at", "yesterday")
        .get("/api/v1/hosts/dgx2-read-api/topology")
        .then()
        .statusCode(400);
    // instants at and past the ends of the databases' range (twelfth security review: a 500)
    for (String at :
        List.of(
            "+1000000000-01-01T00:00:00Z",
            "+294277-01-01T00:00:00Z",
            "+10000-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999999Z")) {
      topologyAt(at).then().statusCode(200).body("source", equalTo("hwloc-xml"));
    }
    for (String at :
        List.of("-1000000000-01-01T00:00:00Z", "-4714-01-01T00:00:00Z", "0000-12-31T23:59:59Z")) {
      topologyAt(at).then().statusCode(404).contentType("application/problem+json");
    }
    Random r = new Random(20261207);
    for (int i = 0; i < 200; i++) {
      long seconds =
          Instant.MIN.getEpochSecond() + (long) (r.nextDouble() * 2 * Instant.MAX.getEpochSecond());
      Instant t = Instant.ofEpochSecond(seconds);
      int status = topologyAt(t.toString()).statusCode();
      assertEquals(t.isAfter(Instant.now()) ? 200 : 404, status, t.toString());
    }
  }

  /**
   * The report as stored, to clients that take gzip as it is (Content-Encoding) and to the others
   * as text: the same JSON either way (thirteenth security review, finding 1).
   */
  @Test
  void theTopologyIsTheSameJsonCompressedOrNot() throws Exception {
    String decoded =
        given()
            .auth()
            .oauth2(operator)
            .get("/api/v1/hosts/dgx2-read-api/topology")
            .then()
            .statusCode(200)
            .header("Content-Encoding", "gzip")
            .extract()
            .asString();
    var plain =
        dev.fabricscope.testing.RawHttp.send(
            io.restassured.RestAssured.port,
            "GET",
            "/api/v1/hosts/dgx2-read-api/topology",
            "Authorization: Bearer " + operator,
            null);
    assertEquals(200, plain.status());
    assertEquals(null, plain.headers().get("content-encoding"));
    assertEquals(decoded, plain.body());
    assertEquals(
        "hwloc-xml", io.restassured.path.json.JsonPath.from(plain.body()).getString("source"));
  }

  private Response topologyAt(String at) {
    return given()
        .auth()
        .oauth2(operator)
        .queryParam("at", at)
        .get("/api/v1/hosts/dgx2-read-api/topology");
  }

  @Test
  void exportsReadBackThroughTheImporters() {
    for (String format : List.of("nccl-xml", "hwloc-xml", "report")) {
      byte[] exported =
          given()
              .auth()
              .oauth2(operator)
              .queryParam("format", format)
              .get("/api/v1/hosts/dgx2-read-api/export")
              .then()
              .statusCode(200)
              .extract()
              .asByteArray();
      given()
          .auth()
          .oauth2(operator)
          .contentType("application/octet-stream")
          .queryParam("host", "dgx2-" + format)
          .body(exported)
          .post("/api/v1/imports")
          .then()
          .statusCode(201);
      // the 16 V100s of the original hwloc file survive the round trip in every format
      given()
          .auth()
          .oauth2(operator)
          .get("/api/v1/hosts/dgx2-" + format)
          .then()
          .statusCode(200)
          .body("summary.gpus", equalTo(16));
    }
    given()
        .auth()
        .oauth2(operator)
        .queryParam("format", "pdf")
        .get("/api/v1/hosts/dgx2-read-api/export")
        .then()
        .statusCode(400);
  }

  @Test
  void diffBetweenTwoImports() {
    given()
        .auth()
        .oauth2(operator)
        .get("/api/v1/hosts/rig-read-api/diff")
        .then()
        .statusCode(200)
        .body("changes.size()", equalTo(0));
  }

  @Test
  void pathsExplainOnePair() {
    given()
        .auth()
        .oauth2(operator)
        .queryParam("a", "nvme0")
        .queryParam("b", "0000:07:00.0")
        .get("/api/v1/hosts/rig-read-api/paths")
        .then()
        .statusCode(200)
        .body("kernel.mapType", equalTo("NOT_SUPPORTED"))
        .body("reasons.code", hasItem("HOST_BRIDGE_NOT_ALLOWED"));
    given()
        .auth()
        .oauth2(operator)
        .queryParam("a", "nvme0")
        .queryParam("b", "gpu42")
        .get("/api/v1/hosts/rig-read-api/paths")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", containsString("no device 'gpu42'"))
        .body("detail", containsString("an RDMA device (mlx5_0)"));
  }

  @Test
  void anonymousReadsInLocalDemoModeButNotWrites() {
    // the test server is bound to loopback: reads are open, writes are not
    given().get("/api/v1/hosts").then().statusCode(200);
    given()
        .contentType("application/octet-stream")
        .body("<topology/>".getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .post("/api/v1/imports")
        .then()
        .statusCode(401);
  }
}
