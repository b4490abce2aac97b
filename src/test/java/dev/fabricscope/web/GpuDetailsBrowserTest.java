package dev.fabricscope.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The host page's details card shows what the driver says about a GPU: the real H200 host's tree,
 * its GPU carrying the answers of that host's NVML dump ({@code
 * gpu-hosts/h200-passthrough.nvml.json}) as the agent reports them; an imported tree without them
 * says the driver was not asked.
 */
@QuarkusTest
class GpuDetailsBrowserTest extends BrowserTest {

  static final String GPU = "0000:00:06.0";
  static String operator;

  @Override
  String screenshotPrefix() {
    return "gpu-details-";
  }

  @BeforeEach
  void setUp() throws Exception {
    if (operator != null) {
      return;
    }
    operator = ApiClient.token("gpu-details-" + System.nanoTime(), "operator", null);
    importFile(operator, "gpu-hosts/h200-passthrough.tar.bz2", "h200-tree");
    ObjectMapper json = new ObjectMapper();
    ObjectNode report =
        (ObjectNode)
            json.readTree(
                given()
                    .get("/api/v1/hosts/h200-tree/topology")
                    .then()
                    .statusCode(200)
                    .extract()
                    .asString());
    JsonNode dump =
        json.readTree(
            Files.readString(Fixtures.root().resolve("gpu-hosts/h200-passthrough.nvml.json")));
    JsonNode g = dump.get("devices").get(0);
    ObjectNode n = json.createObjectNode();
    n.put("productName", g.get("name").asText())
        .put("uuid", g.get("uuid").asText())
        .put("serial", g.get("serial").asText())
        .put("boardId", g.get("boardId").asLong())
        .put("computeCapability", g.get("computeCap").get(0) + "." + g.get("computeCap").get(1))
        .put("memoryBytes", g.get("memoryMiB").get("total").asLong())
        .put("driverVersion", dump.get("driver").asText())
        .put("nvmlVersion", dump.get("nvml").asText())
        .put("cudaDriverVersion", dump.get("cudaDriver").asInt())
        .put("pcieGenCurrent", g.get("currLinkGen").asInt())
        .put("pcieGenMax", g.get("maxLinkGen").asInt())
        .put("pcieGenGpuMax", g.get("gpuMaxLinkGen").asInt())
        .put("pcieWidthCurrent", g.get("currLinkWidth").asInt())
        .put("pcieWidthMax", g.get("maxLinkWidth").asInt())
        .put("pcieReplays", g.get("replayCounter").asLong())
        .putNull("numaNode")
        .put("virtualization", "pass-through")
        .put("migEnabled", false)
        .put("migPending", false);
    n.putArray("nvlinks");
    n.putArray("peers");
    ((ObjectNode) report.get("gpus").get(0)).set("nvml", n);
    ((ObjectNode) report.get("gpus").get(0)).put("sm", 90);
    given()
        .auth()
        .oauth2(operator)
        .contentType("application/json")
        .queryParam("host", "h200-nvml")
        .body(json.writeValueAsString(report))
        .post("/api/v1/imports")
        .then()
        .statusCode(201);
  }

  /** Two DGX-2 V100s under one switch, their driver refusing P2P (as NVML would say "CNS"). */
  static void importDgx2WithDriverRefusal() throws Exception {
    importFile(operator, "hwloc-xml/nvidiaDGX2.xml", "dgx2-src");
    ObjectMapper json = new ObjectMapper();
    ObjectNode report =
        (ObjectNode)
            json.readTree(
                given()
                    .get("/api/v1/hosts/dgx2-src/topology")
                    .then()
                    .statusCode(200)
                    .extract()
                    .asString());
    for (JsonNode g : report.get("gpus")) {
      String bdf = g.get("pciFunction").asText();
      String other = bdf.equals(DGX2_A) ? DGX2_B : bdf.equals(DGX2_B) ? DGX2_A : null;
      if (other == null) {
        continue;
      }
      ObjectNode n = json.createObjectNode();
      for (String f :
          List.of(
              "productName",
              "uuid",
              "serial",
              "boardId",
              "computeCapability",
              "memoryBytes",
              "driverVersion",
              "nvmlVersion",
              "cudaDriverVersion",
              "pcieGenCurrent",
              "pcieGenMax",
              "pcieGenGpuMax",
              "pcieWidthCurrent",
              "pcieWidthMax",
              "pcieReplays",
              "numaNode",
              "virtualization",
              "migEnabled",
              "migPending")) {
        n.putNull(f);
      }
      n.putArray("nvlinks");
      n.putArray("peers")
          .addObject()
          .put("peer", other)
          .put("read", "chipset-not-supported")
          .put("write", "chipset-not-supported")
          .put("nvlink", "not-supported")
          .put("atomics", "not-supported")
          .put("commonAncestor", "single");
      ((ObjectNode) g).set("nvml", n);
    }
    given()
        .auth()
        .oauth2(operator)
        .contentType("application/json")
        .queryParam("host", "dgx2-driver")
        .body(json.writeValueAsString(report))
        .post("/api/v1/imports")
        .then()
        .statusCode(201);
  }

  static final String DGX2_A = "0000:34:00.0";
  static final String DGX2_B = "0000:36:00.0";

  @Test
  void theDriversVerdictIsTheFourthColumnAndItsDisagreementAFinding() throws Exception {
    importDgx2WithDriverRefusal();
    driver.get(url("/hosts/dgx2-driver?a=" + DGX2_A + "&b=" + DGX2_B));
    waiting()
        .until(
            ExpectedConditions.attributeToBe(By.id("fabric"), "data-pair", DGX2_A + "|" + DGX2_B));
    String verdict = driver.findElement(By.id("v-driver")).getText();
    assertTrue(verdict.startsWith("CNS · read chipset-not-supported"), verdict);
    assertTrue(driver.findElement(By.id("verdict-body")).getText().contains("DRIVER_DISAGREES"));
    String findings =
        given()
            .queryParam("host", "dgx2-driver")
            .get("/api/v1/findings")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertTrue(findings.contains("DRIVER_P2P_DISAGREES"), findings);
    String p2p =
        given().get("/api/v1/hosts/dgx2-driver/p2p").then().statusCode(200).extract().asString();
    assertTrue(p2p.contains("\"label\":\"CNS\""), "the matrix carries the driver column");
    // the Matrix tab marks the pair with the driver's code
    driver.findElement(By.id("tab-matrix")).click();
    waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("matrix-table")));
    org.openqa.selenium.WebElement cell =
        driver.findElement(
            By.cssSelector("#matrix-table td[data-a='" + DGX2_A + "'][data-b='" + DGX2_B + "']"));
    assertEquals("CNS", cell.getAttribute("data-driver"));
    assertTrue(cell.getText().endsWith("CNS"), cell.getText());
    assertEquals(
        0,
        driver
            .findElements(
                By.cssSelector(
                    "#matrix-table td[data-driver]:not([data-a='"
                        + DGX2_A
                        + "']):not([data-a='"
                        + DGX2_B
                        + "'])"))
            .size(),
        "only the pair the driver answered for");
  }

  private String details(String host) {
    driver.get(url("/hosts/" + host + "?a=" + GPU));
    waiting().until(ExpectedConditions.attributeToBe(By.id("fabric"), "data-state", "ready"));
    waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("details-list")));
    return driver.findElement(By.id("details-list")).getText();
  }

  @Test
  void theDriversAnswersAreInTheDetailsCard() {
    String d = details("h200-nvml");
    assertTrue(d.contains("NVIDIA H200 · compute 9.0 · 140.4 GiB"), d);
    assertTrue(d.contains("GPU-53d4112d-6cea-fed4-49b8-32e9fa212916"), d);
    assertTrue(d.contains("580.159.04 · CUDA 13.0"), d);
    assertTrue(d.contains("Gen5 x16 of Gen5 x16 · 0 replays"), d);
    assertTrue(d.contains("pass-through"), d);
    assertTrue(d.contains("none reported"), d);
    // the graph names the GPU as the driver does (pci.ids has no name for 10de:2335)
    String label =
        (String)
            ((org.openqa.selenium.JavascriptExecutor) driver)
                .executeScript(
                    "return window.fabricscope.cy.getElementById(arguments[0]).data('label');",
                    GPU);
    assertTrue(label.contains("NVIDIA H200"), label);
  }

  @Test
  void anImportedTreeSaysTheDriverWasNotAsked() {
    String d = details("h200-tree");
    assertTrue(d.contains("not asked"), d);
  }
}
