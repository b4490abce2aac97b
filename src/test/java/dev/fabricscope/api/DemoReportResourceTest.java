package dev.fabricscope.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fabricscope.demo.DemoReports;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.oracle.LspciTreeParser;
import dev.fabricscope.report.ReportJson;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code /api/v1/demo-reports}: the list, one report, and the 404 problem. */
@QuarkusTest
class DemoReportResourceTest {

  /** The demo archives bundled in src/main/resources/demo/, by demo name. */
  static final List<String> DEMO_NAMES =
      List.of(
          "qemu-rig-iommu",
          "hwloc-32em64t-2n8c+dax+nvme+mic+dimms",
          "hwloc-40intel64-2g2n4c+pcilocality",
          "procfs-fixtures",
          "ghw-linux-amd64-61797caf7c0b6bca1725ad7975ed4773");

  @Inject DemoReports demoReports;

  @Test
  void listHasEveryDemoHost() {
    JsonPath list =
        given().when().get("/api/v1/demo-reports").then().statusCode(200).extract().jsonPath();

    List<String> names = list.getList("name");
    assertTrue(names.containsAll(DEMO_NAMES), () -> "listed: " + names);
    for (Map<String, Object> row : list.<Map<String, Object>>getList("")) {
      for (String key : List.of("hostName", "cpu", "pciFunctions", "gpus", "rdmaDevices", "nvme")) {
        assertTrue(row.containsKey(key), () -> key + " missing in " + row);
      }
      assertTrue(row.containsKey("diagnostics"), () -> "diagnostics missing in " + row);
    }
  }

  @Test
  void pciFunctionCountsMatchLspci() throws Exception {
    JsonPath list =
        given().when().get("/api/v1/demo-reports").then().statusCode(200).extract().jsonPath();

    List<String> mismatches = new ArrayList<>();
    int compared = 0;
    for (String name : DEMO_NAMES) {
      Path oracle = Fixtures.lspciOracle(name);
      if (!Files.isRegularFile(oracle)) {
        continue;
      }
      int expected = LspciTreeParser.parse(Fixtures.read(oracle)).size();
      int actual = list.getInt("find { it.name == '" + name + "' }.pciFunctions");
      compared++;
      if (expected != actual) {
        mismatches.add(name + ": lspci " + expected + ", report " + actual);
      }
    }
    assertTrue(compared > 0, "no lspci oracle found under " + Fixtures.root());
    assertEquals(List.of(), mismatches);
  }

  @Test
  void oneReportIsReportJson() throws Exception {
    String name = "hwloc-40intel64-2g2n4c+pcilocality";
    String body =
        given()
            .when()
            .get("/api/v1/demo-reports/{name}", name)
            .then()
            .statusCode(200)
            .contentType(startsWith("application/json"))
            .extract()
            .asString();

    JsonNode json = ReportJson.mapper().readTree(body);
    assertEquals(1, json.get("schemaVersion").asInt());
    for (String field :
        List.of("schemaVersion", "host", "pci", "rdma", "net", "nvme", "diagnostics")) {
      assertTrue(json.has(field), () -> "top-level " + field + " missing");
    }
    // Exactly what ReportJson writes: explicit nulls included, nothing reformatted.
    assertEquals(ReportJson.write(demoReports.find(name).orElseThrow()), body);
  }

  @Test
  void unknownNameIsProblem404() {
    given()
        .when()
        .get("/api/v1/demo-reports/{name}", "no-such-host")
        .then()
        .statusCode(404)
        .contentType(startsWith(Problem.MEDIA_TYPE))
        .body("type", equalTo("about:blank"))
        .body("title", equalTo("Demo report not found"))
        .body("status", equalTo(404))
        .body("detail", equalTo("no demo report named 'no-such-host'"));
  }
}
