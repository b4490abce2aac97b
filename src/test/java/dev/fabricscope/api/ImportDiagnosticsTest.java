package dev.fabricscope.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An import's diagnostics (in the answer, listed for the page, and stored in the snapshot) name
 * what was uploaded, never the server's temporary files: the upload is staged under the temp base
 * as {@code fabricscope-import-*.bin} and archives are unpacked into {@code fabricscope-fsroot-*},
 * and none of those paths may leak into what is stored and shown.
 */
@QuarkusTest
class ImportDiagnosticsTest {

  @ParameterizedTest
  @CsvSource({
    "hwloc-xml/nvidiaDGX2.xml, diag-dgx2",
    "sysfs/hwloc-40intel64-2g2n4c+pcilocality.tar.bz2, diag-r910",
    "nccl-xml/azure-ncv4-topo.xml, diag-ncv4"
  })
  void diagnosticsCarryNoServerPath(String fixture, String host) throws Exception {
    String operator = ApiClient.token("diag-" + System.nanoTime(), "operator", null);
    JsonPath answer =
        given()
            .auth()
            .oauth2(operator)
            .body(Files.readAllBytes(Fixtures.root().resolve(fixture)))
            .post("/api/v1/imports?host=" + host)
            .then()
            .statusCode(201)
            .extract()
            .jsonPath();
    List<Map<String, String>> listed = answer.getList("diagnosticItems");
    assertEquals(answer.getInt("diagnostics"), listed.size());
    assertFalse(listed.isEmpty(), fixture + " has diagnostics to show");
    List<Map<String, String>> stored =
        given()
            .get("/api/v1/hosts/" + host + "/topology")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("diagnostics");
    assertEquals(listed, stored);
    String temp = ArchiveExtractor.defaultTempBase().toString();
    for (Map<String, String> d : stored) {
      String text = d.get("path") + " " + d.get("reason");
      assertFalse(text.contains(temp), text);
      assertFalse(text.contains("fabricscope-import-"), text);
      assertFalse(text.contains("fabricscope-fsroot-"), text);
    }
    assertFalse(answer.getString("source").contains(temp), answer.getString("source"));
  }

  @Test
  void fileFormatsSayUploadWhereTheyNamedTheFile() throws Exception {
    String operator = ApiClient.token("diag-up-" + System.nanoTime(), "operator", null);
    List<Map<String, String>> listed =
        given()
            .auth()
            .oauth2(operator)
            .body(Files.readAllBytes(Fixtures.root().resolve("hwloc-xml/nvidiaDGX2.xml")))
            .post("/api/v1/imports?host=diag-upload")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath()
            .getList("diagnosticItems");
    // hwloc XML records no ACS: said once, about the file, which is the upload
    assertTrue(
        listed.contains(
            Map.of(
                "path", "upload",
                "reason", "hwloc XML records no ACS: acs is unknown for every function")),
        listed.toString());
  }
}
