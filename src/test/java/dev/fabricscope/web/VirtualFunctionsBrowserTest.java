package dev.fabricscope.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;

/**
 * SR-IOV on the host page in headless Chromium: virtual functions are drawn inside their physical
 * function's node ("+2 VFs"), not as nodes of their own.
 */
@QuarkusTest
class VirtualFunctionsBrowserTest extends BrowserTest {

  static String operator;

  @Override
  String screenshotPrefix() {
    return "vf-";
  }

  @BeforeEach
  void setUp() throws Exception {
    if (operator == null) {
      operator = ApiClient.token("vf-operator-" + System.nanoTime(), "operator", null);
      importFile(operator, "sysfs/qemu-rig-iommu.tar.gz", "vf-rig");
    }
  }

  @Test
  void virtualFunctionsAreCollapsedUnderTheirPhysicalFunction() throws Exception {
    // The shared fixtures hold no SR-IOV machine: give the rig's first NIC two VFs.
    ObjectMapper json = new ObjectMapper();
    ObjectNode report =
        (ObjectNode)
            json.readTree(
                given()
                    .get("/api/v1/hosts/vf-rig/topology")
                    .then()
                    .statusCode(200)
                    .extract()
                    .asString());
    ArrayNode pci = (ArrayNode) report.get("pci");
    ObjectNode pf = null;
    for (JsonNode f : pci) {
      if ("nic".equals(f.path("kind").asText()) && !f.path("parent").isNull()) {
        pf = (ObjectNode) f;
        break;
      }
    }
    assertTrue(pf != null, "the rig has a NIC below a port");
    List<String> vfs = List.of("0000:7e:10.0", "0000:7e:10.1");
    List<JsonNode> all = new ArrayList<>();
    pci.forEach(all::add);
    for (String bdf : vfs) {
      ObjectNode vf = pf.deepCopy();
      vf.put("bdf", bdf);
      // a complete sriov object: imports are held to the report schema like agent reports
      ObjectNode vfSriov = json.createObjectNode().put("physfn", pf.get("bdf").asText());
      vfSriov.putArray("virtfns");
      vfSriov.putNull("totalVfs").putNull("numVfs");
      vf.set("sriov", vfSriov);
      all.add(vf);
    }
    ObjectNode sriov =
        json.createObjectNode().putNull("physfn").put("totalVfs", 8).put("numVfs", 2);
    vfs.forEach(sriov.putArray("virtfns")::add);
    pf.set("sriov", sriov);
    all.sort(Comparator.comparing(f -> f.get("bdf").asText()));
    pci.removeAll();
    pci.addAll(all);
    given()
        .auth()
        .oauth2(operator)
        .contentType("application/json")
        .queryParam("host", "browser-vf")
        .body(json.writeValueAsString(report))
        .post("/api/v1/imports")
        .then()
        .statusCode(201);

    driver.get(url("/hosts/browser-vf"));
    waitForGraph();
    JavascriptExecutor js = (JavascriptExecutor) driver;
    for (String vf : vfs) {
      assertEquals(
          Boolean.TRUE,
          js.executeScript(
              "return window.fabricscope.cy.getElementById(arguments[0]).empty();", vf));
    }
    String label =
        (String)
            js.executeScript(
                "return window.fabricscope.cy.getElementById(arguments[0]).data('label');",
                pf.get("bdf").asText());
    assertTrue(label.contains("+2 VFs"), label);
  }
}
