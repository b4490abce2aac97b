package dev.fabricscope.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fabricscope.oracle.FabricArchives;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.sysfs.SysfsDiscovery;
import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.topology.Report;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fabric page and {@code /api/v1/fabric} with two real clusters that both keep the default
 * {@code fe80::} prefix (PlaFRIM's bonobo001 and Avakas's bigmem01, hwloc XMLs from {@code
 * fixtures/fabric/}): with each cluster's {@code ibnetdiscover -p} output in the configured folder
 * they are two fabrics, each named by its lowest switch GUID (read off the files with grep:
 * 0x0002c9020040b0e0 and 0x00066a00eb002c12) with the switch its host is cabled to; bonobo001's
 * second port, which no discovery lists, stays on the bare prefix with the "may merge" note.
 */
@QuarkusTest
class FabricDiscoveryPageTest {

  @TempDir Path tmp;

  @Test
  void discoveredFabricsAreSeparateSections() throws Exception {
    Path plafrim = FabricArchives.extract("plafrim", Files.createDirectories(tmp.resolve("p")));
    Path avakas = FabricArchives.extract("avakas", Files.createDirectories(tmp.resolve("a")));
    String operator = ApiClient.token("fabric-disc-" + System.nanoTime(), "operator", null);
    for (Path xml :
        List.of(plafrim.resolve("hwloc/bonobo001.xml"), avakas.resolve("hwloc/bigmem01.xml"))) {
      given()
          .auth()
          .oauth2(operator)
          .contentType("application/octet-stream")
          .queryParam("host", xml.getFileName().toString().replace(".xml", ""))
          .body(Files.readAllBytes(xml))
          .post("/api/v1/imports")
          .then()
          .statusCode(201);
    }
    Path dir = Files.createDirectories(Path.of("target/test-ibnetdiscover"));
    String file = "ib-raw/ib-subnet-fe80:0000:0000:0000.txt";
    Path p = dir.resolve("plafrim.txt");
    Path a = dir.resolve("avakas.txt");
    Files.copy(plafrim.resolve(file), p, StandardCopyOption.REPLACE_EXISTING);
    Files.copy(avakas.resolve(file), a, StandardCopyOption.REPLACE_EXISTING);
    try {
      JsonPath j = given().get("/api/v1/fabric").then().statusCode(200).extract().jsonPath();
      assertEquals(
          List.of("bonobo001"),
          j.getList("find { it.id == 'ib:fe80:0000:0000:0000@0002:c902:0040:b0e0' }.hosts"));
      assertEquals(
          List.of("0002:c902:0040:b0e0"),
          j.getList("find { it.id == 'ib:fe80:0000:0000:0000@0002:c902:0040:b0e0' }.switchGuids"));
      // other tests share this database: a host they imported from the same cluster may join
      List<String> avakasHosts =
          j.getList("find { it.id == 'ib:fe80:0000:0000:0000@0006:6a00:eb00:2c12' }.hosts");
      assertTrue(avakasHosts.contains("bigmem01"), "hosts " + avakasHosts);
      assertFalse(avakasHosts.contains("bonobo001"), "hosts " + avakasHosts);
      assertEquals(
          List.of("0006:6a00:ec00:2dd2"),
          j.getList("find { it.id == 'ib:fe80:0000:0000:0000@0006:6a00:eb00:2c12' }.switchGuids"));
      assertEquals(
          Boolean.TRUE, j.get("find { it.id == 'ib:fe80:0000:0000:0000' }.mayMergeFabrics"));

      String html = given().get("/fabric").then().statusCode(200).extract().asString();
      assertTrue(html.contains("data-subnet=\"ib:fe80:0000:0000:0000@0002:c902:0040:b0e0\""), html);
      assertTrue(html.contains("data-subnet=\"ib:fe80:0000:0000:0000@0006:6a00:eb00:2c12\""), html);
      assertTrue(html.contains("Discovered by <span class=\"mono\">plafrim.txt</span>"), html);
      assertTrue(html.contains("class=\"note may-merge\""), html);
      assertTrue(html.contains("<div class=\"table-scroll\">"), html);
    } finally {
      Files.deleteIfExists(p);
      Files.deleteIfExists(a);
    }
  }

  /**
   * The same two clusters told apart by uploads instead of the folder: the sections name the upload
   * and link its text, and the page lists the uploads. Names start with a digit so they sort before
   * any other upload of the same fabric (the first discovery of a fabric names it).
   */
  @Test
  void uploadedDiscoveriesSeparateFabrics() throws Exception {
    Path tmp = Files.createTempDirectory("fabric-upload");
    Path plafrim = FabricArchives.extract("plafrim", Files.createDirectories(tmp.resolve("p")));
    Path avakas = FabricArchives.extract("avakas", Files.createDirectories(tmp.resolve("a")));
    String operator = ApiClient.token("fabric-up-" + System.nanoTime(), "operator", null);
    importXml(operator, plafrim.resolve("hwloc/bonobo001.xml"));
    importXml(operator, avakas.resolve("hwloc/bigmem01.xml"));
    String file = "ib-raw/ib-subnet-fe80:0000:0000:0000.txt";
    String p = "0page-plafrim-" + System.nanoTime();
    String a = "0page-avakas-" + System.nanoTime();
    upload(operator, p, Files.readAllBytes(plafrim.resolve(file)));
    upload(operator, a, Files.readAllBytes(avakas.resolve(file)));
    try {
      JsonPath j = given().get("/api/v1/fabric").then().statusCode(200).extract().jsonPath();
      String pid = "ib:fe80:0000:0000:0000@0002:c902:0040:b0e0";
      String aid = "ib:fe80:0000:0000:0000@0006:6a00:eb00:2c12";
      assertEquals(List.of("bonobo001"), j.getList("find { it.id == '" + pid + "' }.hosts"));
      assertEquals(p, j.get("find { it.id == '" + pid + "' }.discovery"));
      assertTrue(j.<String>getList("find { it.id == '" + aid + "' }.hosts").contains("bigmem01"));
      assertEquals(a, j.get("find { it.id == '" + aid + "' }.discovery"));

      String html = given().get("/fabric").then().statusCode(200).extract().asString();
      assertTrue(html.contains("data-subnet=\"" + pid + "\""), html);
      assertTrue(
          html.contains(
              "Discovered by <a class=\"mono\" href=\"/api/v1/fabric/discoveries/"
                  + p
                  + "\">"
                  + p
                  + "</a> (uploaded)"),
          html);
      assertTrue(html.contains("<tr data-discovery=\"" + a + "\">"), html);
    } finally {
      dev.fabricscope.sysfs.ArchiveExtractor.deleteTree(tmp);
      for (String n : List.of(p, a)) {
        given().auth().oauth2(operator).delete("/api/v1/fabric/discoveries/" + n);
      }
    }
    // gone from the page once deleted (the folder's files, if any, are another test's)
    String after = given().get("/fabric").then().statusCode(200).extract().asString();
    assertFalse(after.contains(p), "deleted upload still shown");
  }

  /**
   * Two real sysfs trees (the Dell DCS8000Z's mlx4_0 and the Dell R910's qib0, both with {@code
   * sm_lid} 0x1 in the archives) moved onto a prefix no other test uses, the R910's subnet manager
   * set to LID 0x1b: one prefix, two subnet managers, so two sections, each saying why.
   */
  @Test
  void portsOfOnePrefixWithDifferentSubnetManagersAreSplit() throws Exception {
    String operator = ApiClient.token("fabric-sm-" + System.nanoTime(), "operator", null);
    String prefix = "fec0:0000:0000:0e14";
    importReport(operator, "sm-split-dcs", "hwloc-32em64t-2n8c+dax+nvme+mic+dimms", prefix, null);
    importReport(operator, "sm-split-r910", "hwloc-40intel64-2g2n4c+pcilocality", prefix, "0x1b");
    JsonPath j = given().get("/api/v1/fabric").then().statusCode(200).extract().jsonPath();
    assertEquals(
        List.of("sm-split-dcs"), j.getList("find { it.id == 'ib:" + prefix + "/sm:0x1' }.hosts"));
    assertEquals(
        List.of("sm-split-r910"), j.getList("find { it.id == 'ib:" + prefix + "/sm:0x1b' }.hosts"));
    assertEquals("0x1b", j.get("find { it.id == 'ib:" + prefix + "/sm:0x1b' }.smLid"));
    String html = given().get("/fabric").then().statusCode(200).extract().asString();
    int at = html.indexOf("data-subnet=\"ib:" + prefix + "/sm:0x1b\"");
    assertTrue(at > 0, html);
    String section = html.substring(at, html.indexOf("</section>", at));
    assertTrue(section.contains("class=\"note sm-split\""), section);
    assertTrue(section.contains("<span class=\"mono sm-lid\">0x1b</span>"), section);
  }

  static void importXml(String operator, Path xml) throws Exception {
    given()
        .auth()
        .oauth2(operator)
        .contentType("application/octet-stream")
        .queryParam("host", xml.getFileName().toString().replace(".xml", ""))
        .body(Files.readAllBytes(xml))
        .post("/api/v1/imports")
        .then()
        .statusCode(201);
  }

  static void upload(String operator, String name, byte[] text) {
    given()
        .auth()
        .oauth2(operator)
        .contentType("text/plain")
        .queryParam("name", name)
        .body(text)
        .post("/api/v1/fabric/discoveries")
        .then()
        .statusCode(201);
  }

  /** A sysfs fixture's report with its InfiniBand GIDs moved to {@code prefix}, imported. */
  static void importReport(
      String operator, String host, String capture, String prefix, String smLid) throws Exception {
    Report r;
    try (var u = ArchiveExtractor.extract(Fixtures.sysfs(capture + ".tar.bz2"))) {
      r = new SysfsDiscovery().discover(u.sysfsRoot());
    }
    ObjectNode json = (ObjectNode) ReportJson.mapper().readTree(ReportJson.write(r));
    for (JsonNode dev : json.get("rdma")) {
      for (JsonNode port : dev.get("ports")) {
        ArrayNode gids = (ArrayNode) port.get("gids");
        for (int i = 0; i < gids.size(); i++) {
          gids.set(i, prefix + gids.get(i).asText().substring(prefix.length()));
        }
        if (smLid != null) {
          ((ObjectNode) port).put("smLid", smLid);
        }
      }
    }
    given()
        .auth()
        .oauth2(operator)
        .contentType("application/json")
        .queryParam("host", host)
        .body(ReportJson.mapper().writeValueAsBytes(json))
        .post("/api/v1/imports")
        .then()
        .statusCode(201);
  }
}
