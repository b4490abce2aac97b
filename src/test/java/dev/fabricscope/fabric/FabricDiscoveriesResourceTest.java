package dev.fabricscope.fabric;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.FabricArchives;
import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /api/v1/fabric/discoveries} with PlaFRIM's real {@code ibnetdiscover -p} output ({@code
 * fixtures/fabric/plafrim.txz}): 83,333 bytes ({@code wc -c}), 9 distinct switch GUIDs, the lowest
 * 0x0002c9020040b0e0, and 125 CA lines with distinct port GUIDs (grep, awk, sort -u). Other tests
 * share the database: every name here is made unique, and nothing assumes the list is otherwise
 * empty.
 */
@QuarkusTest
class FabricDiscoveriesResourceTest {

  @jakarta.inject.Inject FabricService fabric;

  static byte[] plafrim;
  static String operator;
  static String viewer;

  // not @BeforeAll: the server answers only once the first @QuarkusTest instance exists
  @BeforeEach
  void setUp() throws Exception {
    if (plafrim != null) {
      return;
    }
    Path tmp = Files.createTempDirectory("disc-api");
    try {
      Path dir = FabricArchives.extract("plafrim", tmp);
      plafrim = Files.readAllBytes(dir.resolve("ib-raw/ib-subnet-fe80:0000:0000:0000.txt"));
    } finally {
      ArchiveExtractor.deleteTree(tmp);
    }
    operator = ApiClient.token("disc-op-" + System.nanoTime(), "operator", null);
    viewer = ApiClient.token("disc-viewer-" + System.nanoTime(), "viewer", null);
  }

  static String unique(String base) {
    return base + "-" + System.nanoTime();
  }

  static Response upload(String token, String name, byte[] body) {
    var r = given();
    if (token != null) {
      r = r.auth().oauth2(token);
    }
    if (name != null) {
      r = r.queryParam("name", name);
    }
    return r.contentType("text/plain").body(body).post("/api/v1/fabric/discoveries");
  }

  @Test
  void uploadListReadReplaceDelete() throws Exception {
    String name = unique("plafrim");
    upload(operator, name, plafrim)
        .then()
        .statusCode(201)
        .header("Location", endsWith("/api/v1/fabric/discoveries/" + name))
        .body("name", equalTo(name))
        .body("bytes", equalTo(83333))
        .body("fabricKey", equalTo("0002:c902:0040:b0e0"))
        .body("switches", equalTo(9))
        .body("caPorts", equalTo(125))
        .body("uploadedBy", containsString("disc-op-"));
    List<String> names =
        given().auth().oauth2(viewer).get("/api/v1/fabric/discoveries").jsonPath().getList("name");
    assertTrue(names.contains(name), names.toString());
    byte[] back =
        given()
            .auth()
            .oauth2(viewer)
            .get("/api/v1/fabric/discoveries/" + name)
            .then()
            .statusCode(200)
            .contentType(containsString("text/plain"))
            .extract()
            .asByteArray();
    assertTrue(Arrays.equals(plafrim, back), "the text comes back as uploaded");
    // to a client that takes gzip, as kept (a whole report: the pace, a place per caller)
    byte[] coded =
        given()
            .config(
                io.restassured.config.RestAssuredConfig.config()
                    .decoderConfig(
                        io.restassured.config.DecoderConfig.decoderConfig().noContentDecoders()))
            .auth()
            .oauth2(viewer)
            .header("Accept-Encoding", "gzip")
            .get("/api/v1/fabric/discoveries/" + name)
            .then()
            .statusCode(200)
            .header("Content-Encoding", "gzip")
            .contentType(containsString("text/plain"))
            .extract()
            .asByteArray();
    try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(coded))) {
      assertTrue(Arrays.equals(plafrim, in.readAllBytes()), "gzip-coded, the same text");
    }
    // a view parses it and keeps it; replaced or deleted, its parsed form goes at once
    given().auth().oauth2(viewer).get("/api/v1/fabric").then().statusCode(200);
    assertTrue(fabric.holdsParsed(name), "parsed by the view");
    // the same name again replaces it
    upload(operator, name, plafrim).then().statusCode(200).body("caPorts", equalTo(125));
    assertFalse(fabric.holdsParsed(name), "the replaced text's parsed form dropped");
    given().auth().oauth2(viewer).get("/api/v1/fabric").then().statusCode(200);
    assertTrue(fabric.holdsParsed(name));
    given()
        .auth()
        .oauth2(operator)
        .delete("/api/v1/fabric/discoveries/" + name)
        .then()
        .statusCode(204);
    assertFalse(fabric.holdsParsed(name), "a deleted upload's parsed form dropped");
    given()
        .get("/api/v1/fabric/discoveries/" + name)
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    given()
        .auth()
        .oauth2(operator)
        .delete("/api/v1/fabric/discoveries/" + name)
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
  }

  @Test
  void onlyOperatorsWrite() {
    String name = unique("roles");
    upload(viewer, name, plafrim).then().statusCode(403).contentType("application/problem+json");
    upload(null, name, plafrim).then().statusCode(401).contentType("application/problem+json");
    upload(operator, name, plafrim).then().statusCode(201);
    given()
        .auth()
        .oauth2(viewer)
        .delete("/api/v1/fabric/discoveries/" + name)
        .then()
        .statusCode(403);
    given().delete("/api/v1/fabric/discoveries/" + name).then().statusCode(401);
    // reading is the viewer's
    given().auth().oauth2(viewer).get("/api/v1/fabric/discoveries/" + name).then().statusCode(200);
    given()
        .auth()
        .oauth2(operator)
        .delete("/api/v1/fabric/discoveries/" + name)
        .then()
        .statusCode(204);
  }

  @Test
  void badInputIsRefusedWithAReasonAndNothingIsStored() throws Exception {
    String name = unique("bad");
    refused(name, "hello, world\n".getBytes(StandardCharsets.UTF_8), 400, "no switch found");
    byte[] nul = plafrim.clone();
    nul[100] = 0;
    refused(name, nul, 400, "NUL byte at offset 100");
    byte[] latin1 = plafrim.clone();
    latin1[200] = (byte) 0xe9;
    refused(name, latin1, 400, "not UTF-8");
    byte[] huge =
        (new String(plafrim, StandardCharsets.UTF_8) + "x".repeat(5000) + "\n").getBytes();
    refused(name, huge, 400, "characters long");
    byte[] twice =
        (new String(plafrim, StandardCharsets.UTF_8)
                + "CA   139  1 0x0002c903004e26b1 4x QDR - SW   142 35 0x0008f10500108c9e"
                + " ( 'manumanu HCA-1' - 'Voltaire 4036 # 4036-8C9E' )\n")
            .getBytes(StandardCharsets.UTF_8);
    refused(name, twice, 400, "with different links");
    byte[] big = new byte[IbNetDiscoverText.MAX_CHARS + 1];
    Arrays.fill(big, (byte) '\n');
    // refused before it is read: the server answers and closes while a client still writes, which
    // only a raw socket reads back
    dev.fabricscope.testing.RawHttp.Answer tooBig =
        dev.fabricscope.testing.RawHttp.send(
            io.restassured.RestAssured.port,
            "POST",
            "/api/v1/fabric/discoveries?name=" + name,
            "Authorization: Bearer " + operator + "\r\nContent-Type: text/plain",
            big);
    assertEquals(413, tooBig.status(), tooBig.body());
    assertTrue(tooBig.body().contains("at most 16777216 bytes"), tooBig.body());
    refused(name, new byte[0], 400, "the body is empty");
    given().get("/api/v1/fabric/discoveries/" + name).then().statusCode(404);
  }

  /**
   * 16 MiB of {@code "a\n"} after a switch line, gzip-coded (16 KB on the wire): refused at the
   * line limit and nothing stored (fifteenth security review: split into 8 million strings, it ran
   * a 512 MiB server out of heap).
   */
  @Test
  void aMillionShortLinesAndOneMoreAreRefusedAndNothingIsStored() throws Exception {
    String name = unique("lines");
    // within the room the tests keep (8 MiB); 16 MiB of them is refused for the room now, before
    // it is read (sixteenth security review)
    byte[] text =
        ("SW 2 19 0x0002c9020040b0e0 4x QDR\n" + "a\n".repeat(IbNetDiscover.MAX_LINES))
            .getBytes(StandardCharsets.US_ASCII);
    var packed = new java.io.ByteArrayOutputStream();
    try (var gzip = new java.util.zip.GZIPOutputStream(packed)) {
      gzip.write(text);
    }
    String detail =
        given()
            .auth()
            .oauth2(operator)
            .queryParam("name", name)
            .contentType("text/plain")
            .header("Content-Encoding", "gzip")
            .body(packed.toByteArray())
            .post("/api/v1/fabric/discoveries")
            .then()
            .statusCode(400)
            .contentType("application/problem+json")
            .extract()
            .path("detail");
    assertTrue(detail.contains("more than 1000000 lines"), detail);
    given().get("/api/v1/fabric/discoveries/" + name).then().statusCode(404);
  }

  @Test
  void aRefusedReuploadKeepsTheOldText() {
    String name = unique("keep");
    upload(operator, name, plafrim).then().statusCode(201);
    refused(name, "not a discovery".getBytes(StandardCharsets.UTF_8), 400, "no switch found");
    byte[] back = given().get("/api/v1/fabric/discoveries/" + name).asByteArray();
    assertTrue(Arrays.equals(plafrim, back));
    given()
        .auth()
        .oauth2(operator)
        .delete("/api/v1/fabric/discoveries/" + name)
        .then()
        .statusCode(204);
  }

  @Test
  void badNamesAreRefused() {
    for (String bad : List.of("", "../etc", "a b", "x".repeat(65), "-lead", "a/b", "é")) {
      String detail =
          upload(operator, bad, plafrim)
              .then()
              .statusCode(400)
              .contentType("application/problem+json")
              .extract()
              .path("detail");
      assertTrue(detail.contains("letters, digits"), bad + ": " + detail);
    }
    upload(operator, null, plafrim)
        .then()
        .statusCode(400)
        .body("detail", containsString("name is required"));
    given().get("/api/v1/fabric/discoveries/a%20b").then().statusCode(400);
  }

  @Test
  void theOperationsAreDescribed() {
    String doc = given().get("/q/openapi?format=json").asString();
    for (String op :
        List.of(
            "uploadFabricDiscovery",
            "listFabricDiscoveries",
            "getFabricDiscovery",
            "deleteFabricDiscovery")) {
      assertTrue(doc.contains("\"" + op + "\""), op);
    }
    assertTrue(doc.contains("\"FabricDiscovery\""), "schema FabricDiscovery");
  }

  static void refused(String name, byte[] body, int status, String reason) {
    String detail =
        upload(operator, name, body)
            .then()
            .statusCode(status)
            .contentType("application/problem+json")
            .extract()
            .path("detail");
    assertTrue(detail.contains(reason), "expected '" + reason + "' in: " + detail);
  }
}
