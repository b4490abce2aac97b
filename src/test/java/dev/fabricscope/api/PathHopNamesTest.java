package dev.fabricscope.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /paths} names its hops (hopNames): what the verdict panel shows instead of bus addresses.
 */
@QuarkusTest
class PathHopNamesTest {

  static final String HOST = "hop-names-dgx2";

  static boolean imported;

  @BeforeEach
  void importDgx2() throws Exception {
    if (imported) {
      return;
    }
    String operator = ApiClient.token("hops-operator-" + System.nanoTime(), "operator", null);
    given()
        .auth()
        .oauth2(operator)
        .contentType("application/octet-stream")
        .queryParam("host", HOST)
        .body(Files.readAllBytes(Fixtures.root().resolve("hwloc-xml/nvidiaDGX2.xml")))
        .post("/api/v1/imports")
        .then()
        .statusCode(201);
    imported = true;
  }

  static JsonPath path(String a, String b) {
    return given()
        .queryParam("a", a)
        .queryParam("b", b)
        .get("/api/v1/hosts/" + HOST + "/paths")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  static Map<String, Object> hop(String id, String label, String name) {
    return label == null
        ? Map.of("id", id, "name", name)
        : Map.of("id", id, "label", label, "name", name);
  }

  // Hand-read from nvidiaDGX2.xml and pci.ids: the GPUs (10de:1db8, "GV100GL [Tesla V100 SXM3
  // 32GB]") in bus order are GPU0 34:00.0, GPU1 36:00.0 ... GPU8 b7:00.0; 34:00.0 and 36:00.0 hang
  // below the PLX (10b5:9781, a device pci.ids does not name: lspci
  // says "Device 9781") ports 33:00.0 and 33:10.0 of the
  // switch
  // whose upstream port is 32:00.0; the path to GPU8 leaves socket 0 at root port 2b:00.0
  // (8086:2030
  // "Sky Lake-E PCI Express Root Port A") of host bridge pci0000:2b.
  @Test
  void hopsAreNamedWithMatrixLabelsRolesAndPciIdsNames() {
    String gpu = "GV100GL [Tesla V100 SXM3 32GB]";
    String plx = "PLX Technology, Inc. Device 9781";
    JsonPath p = path("GPU0", "GPU1");
    assertEquals(
        List.of("0000:34:00.0", "0000:33:00.0", "0000:32:00.0", "0000:33:10.0", "0000:36:00.0"),
        p.getList("hops"));
    assertEquals(
        List.of(
            hop("0000:34:00.0", "GPU0", gpu),
            hop("0000:33:00.0", null, "switch downstream port · " + plx),
            hop("0000:32:00.0", null, "switch upstream port · " + plx),
            hop("0000:33:10.0", null, "switch downstream port · " + plx),
            hop("0000:36:00.0", "GPU1", gpu)),
        p.getList("hopNames"));

    List<Map<String, Object>> far = path("0000:34:00.0", "GPU8").getList("hopNames");
    assertEquals(hop("0000:b7:00.0", "GPU8", gpu), far.get(far.size() - 1));
    assertEquals(
        hop("0000:2b:00.0", null, "root port · Sky Lake-E PCI Express Root Port A"), far.get(5));
    assertEquals(hop("pci0000:2b", null, "host bridge"), far.get(6));
    // the names follow the hops one for one
    assertEquals(path("GPU0", "GPU8").getList("hops"), far.stream().map(h -> h.get("id")).toList());
  }
}
