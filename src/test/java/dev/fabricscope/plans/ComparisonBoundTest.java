package dev.fabricscope.plans;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.BandwidthClient;
import dev.fabricscope.topology.NvmlHosts;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.DecoderConfig;
import io.restassured.config.RestAssuredConfig;
import org.junit.jupiter.api.Test;

/**
 * A plan comparison lists at most {@link PlanComparison#MAX_LISTED_PAIRS} changed pairs and counts
 * all of them (sixteenth security review: one {@code set-iommu} edit changed every pair of 2,000
 * GPUs behind ACS ports, a 318 MB answer, and three clients that did not read it ran the server out
 * of heap), and is answered as a whole report (gzip as built, a place per caller).
 */
@QuarkusTest
class ComparisonBoundTest {

  /**
   * {@code n} GPUs, each under its own downstream port of one switch whose ports have ACS with
   * redirect off: the IOMMU turned on turns redirect on at each, and every pair's verdict changes.
   */
  static byte[] gpusBehindAcsPorts(String host, int n) throws Exception {
    ObjectNode report = (ObjectNode) ReportJson.mapper().valueToTree(NvmlHosts.flat(host, 1, 0));
    JsonNode gpu = report.get("pci").get(0);
    ArrayNode pci = ReportJson.mapper().createArrayNode();
    int[] k = {0};
    String rp = function(pci, gpu, k, null, "bridge", "root-port", null);
    String up = function(pci, gpu, k, rp, "switch-port", "switch-upstream", null);
    for (int i = 0; i < n; i++) {
      String down = function(pci, gpu, k, up, "switch-port", "switch-downstream", true);
      function(pci, gpu, k, down, "gpu", "endpoint", null);
    }
    report.set("pci", pci);
    for (String empty : new String[] {"gpus", "nvlinks", "rdma", "net", "nvme", "diagnostics"}) {
      report.putArray(empty);
    }
    ((ObjectNode) report.get("host")).put("name", host);
    return ReportJson.mapper().writeValueAsBytes(report);
  }

  private static String function(
      ArrayNode pci, JsonNode gpu, int[] k, String parent, String kind, String port, Boolean acs) {
    ObjectNode f = gpu.deepCopy();
    int at = k[0]++;
    String bdf = String.format("0001:%02x:%02x.%x", at / 256, at % 256 / 8, at % 8);
    f.put("bdf", bdf).put("kind", kind).put("portType", port).put("hostBridge", "pci0001:00");
    f.put("classCode", "gpu".equals(kind) ? "0x030200" : "0x060400").put("vendorId", "0x10de");
    f.put("deviceName", "d").put("vendorName", "N").putNull("localCpulist").putNull("config");
    f.putNull("driver");
    if (parent == null) {
      f.putNull("parent");
    } else {
      f.put("parent", parent);
    }
    ObjectNode a = f.putObject("acs");
    if (acs == null) {
      a.put("state", "absent").putNull("capability").putNull("control");
    } else {
      a.put("state", "present");
      ObjectNode cap = a.putObject("capability");
      ObjectNode off = a.putObject("control");
      for (String bit :
          new String[] {
            "srcValid",
            "transBlk",
            "reqRedir",
            "cmpltRedir",
            "upstreamFwd",
            "egressCtrl",
            "directTrans"
          }) {
        cap.put(bit, !bit.equals("egressCtrl") && !bit.equals("directTrans"));
        off.put(bit, false);
      }
    }
    a.putNull("egressVectorSize");
    pci.add(f);
    return bdf;
  }

  @Test
  void everyPairChangedIsCountedAndTheFirstThousandListed() throws Exception {
    int n = 60; // 1,770 pairs
    String host = BandwidthClient.hostName("acs-compare");
    String agent = ApiClient.token(BandwidthClient.hostName("acs-agent"), "agent", host);
    String operator = ApiClient.token(BandwidthClient.hostName("acs-op"), "operator", null);
    ApiClient.sendReport(agent, gpusBehindAcsPorts(host, n))
        .then()
        .log()
        .ifValidationFails()
        .statusCode(201);
    long id = PlanRequests.create(operator, host);
    PlanRequests.save(operator, id, 1, "[{\"op\":\"set-iommu\",\"enabled\":true}]")
        .then()
        .statusCode(201);
    var answer =
        given()
            .auth()
            .oauth2(operator)
            .get("/api/v1/plans/" + id + "/compare?version=2")
            .then()
            .statusCode(200)
            .header("Vary", "Accept-Encoding")
            .body("changedPairs", equalTo(n * (n - 1) / 2))
            .body("pairs", hasSize(PlanComparison.MAX_LISTED_PAIRS))
            .body("pairs[0].host.kernel", equalTo("BUS_ADDR"))
            .body("pairs[0].plan.kernel", equalTo("NOT_SUPPORTED"))
            .extract();
    assertTrue(answer.asByteArray().length < 400_000, answer.asByteArray().length + " bytes");
    // gzip as built for a client that takes it
    byte[] coded =
        given()
            .config(
                RestAssuredConfig.config()
                    .decoderConfig(DecoderConfig.decoderConfig().noContentDecoders()))
            .auth()
            .oauth2(operator)
            .header("Accept-Encoding", "gzip")
            .get("/api/v1/plans/" + id + "/compare?version=2")
            .then()
            .statusCode(200)
            .header("Content-Encoding", "gzip")
            .extract()
            .asByteArray();
    assertEquals(0x1f, coded[0] & 0xff);
  }
}
