package dev.fabricscope.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.FabricArchives;
import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Test;

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

  @Test
  void discoveredFabricsAreSeparateSections() throws Exception {
    Path tmp = Files.createTempDirectory("fabric-discovery");
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
}
