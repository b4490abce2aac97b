package dev.fabricscope.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.demo.DemoReports;
import dev.fabricscope.ingest.KnownHosts;
import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.oracle.FabricArchives;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@code fabricscope.imports.parse-timeout} (ninth security review, finding 2): an import that
 * takes longer to read is a 422 problem+json naming the setting, stores nothing, gives its slot
 * back and leaves no unpacked tree or staged upload. A limit of 1 ms makes every real archive and
 * the DGX-2's hwloc XML pass it; which check ends each format is {@code ImportDeadlineTest}'s.
 */
@QuarkusTest
@TestProfile(ImportParseDeadlineTest.OneMillisecond.class)
class ImportParseDeadlineTest {

  /** Imports get one millisecond to be read. */
  public static class OneMillisecond implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("fabricscope.imports.parse-timeout", "1ms");
    }
  }

  @Inject InventoryStore store;
  @Inject KnownHosts known;
  @Inject ImportSlots slots;
  @Inject DemoReports demoReports;

  @TestFactory
  Stream<DynamicTest> anImportPastTheLimitIsA422ThatLeavesNothing() {
    Path root = Fixtures.root();
    List<Path> inputs =
        List.of(
            Fixtures.sysfs("ghw-linux-amd64-accel.tar.gz"),
            Fixtures.sysfs("hwloc-gather-debian12-vm.tar.bz2"),
            root.resolve("hwloc-xml/nvidiaDGX2.xml"),
            root.resolve("hwloc-xml/llnl-lassen.xml"));
    return inputs.stream()
        .map(
            file ->
                DynamicTest.dynamicTest(
                    file.getFileName().toString(),
                    () -> {
                      // waits for the demo archives, whose unpacked trees would look like leftovers
                      demoReports.reports();
                      String operator =
                          ApiClient.token("deadline-" + file.hashCode(), "operator", null);
                      known.flush();
                      Map<String, Long> before = store.rowCounts();
                      Response r =
                          given()
                              .auth()
                              .oauth2(operator)
                              .body(Files.readAllBytes(file))
                              .post("/api/v1/imports?host=deadline");
                      assertEquals(422, r.statusCode(), r.asString());
                      assertTrue(
                          r.contentType().startsWith("application/problem+json"), r.contentType());
                      assertEquals(
                          "reading the import took longer than the 1 ms the server allows"
                              + " (fabricscope.imports.parse-timeout); nothing was stored",
                          r.path("detail"));
                      known.flush();
                      assertEquals(before, store.rowCounts(), "nothing stored");
                      assertEquals(
                          slots.slots().availablePermits(), 2, "every import slot is free again");
                      assertEquals(
                          List.of(), ImportsResourceTest.ownTemps(), "nothing unpacked is left");
                    }));
  }

  /**
   * An {@code ibnetdiscover -p} upload keeps the same deadline: PlaFRIM's real discovery pasted 40
   * times (3.3 MB; a repeated CA line with the same link is accepted) cannot be read in 1 ms.
   */
  @Test
  void aDiscoveryPastTheLimitIsA422ThatStoresNothing() throws Exception {
    Path tmp = Files.createTempDirectory("deadline-disc");
    String text;
    try {
      Path dir = FabricArchives.extract("plafrim", tmp);
      text =
          Files.readString(
              dir.resolve("ib-raw/ib-subnet-fe80:0000:0000:0000.txt"), StandardCharsets.ISO_8859_1);
    } finally {
      ArchiveExtractor.deleteTree(tmp);
    }
    String operator = ApiClient.token("deadline-disc-" + System.nanoTime(), "operator", null);
    String name = "deadline-" + System.nanoTime();
    Response r =
        given()
            .auth()
            .oauth2(operator)
            .queryParam("name", name)
            .contentType("text/plain")
            .body(text.repeat(40).getBytes(StandardCharsets.UTF_8))
            .post("/api/v1/fabric/discoveries");
    assertEquals(422, r.statusCode(), r.asString());
    assertTrue(r.contentType().startsWith("application/problem+json"), r.contentType());
    assertEquals(
        "reading the discovery took longer than the 1 ms the server allows"
            + " (fabricscope.imports.parse-timeout); nothing was stored",
        r.path("detail"));
    assertEquals(
        404,
        given().auth().oauth2(operator).get("/api/v1/fabric/discoveries/" + name).statusCode());
  }
}
