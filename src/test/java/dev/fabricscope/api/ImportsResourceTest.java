package dev.fabricscope.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.ingest.KnownHosts;
import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.sysfs.UnpackTemps;
import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.BadReports;
import dev.fabricscope.testing.HostileArchives;
import dev.fabricscope.testing.SentinelTree;
import dev.fabricscope.testing.SpaceArchive;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The import door ({@code POST /api/v1/imports}) under attack (security issue findings 1, 2, 3, 5,
 * 8, 9): every hostile archive and every report the agent door refuses is a 4xx problem+json,
 * stores nothing, changes nothing outside the extraction folder, and the server answers after.
 */
@QuarkusTest
class ImportsResourceTest {

  static String operator;
  static Path tmp;
  static SentinelTree sentinel;

  @Inject InventoryStore store;
  @Inject KnownHosts known;
  @Inject ImportSlots slots;

  // not @BeforeAll: the application (and RestAssured's port) is up only once a test runs
  @BeforeEach
  void setUp() throws Exception {
    if (operator != null) {
      return;
    }
    operator = ApiClient.token("import-operator", "operator", null);
    tmp = Files.createTempDirectory("fabricscope-imports-test-");
    sentinel = SentinelTree.create(tmp.resolve("sentinel"));
  }

  @AfterAll
  static void removeTempFolder() {
    if (tmp != null) {
      dev.fabricscope.sysfs.ArchiveExtractor.deleteTree(tmp);
    }
  }

  Response importBody(byte[] body, String query) {
    return given()
        .auth()
        .oauth2(operator)
        .body(body)
        .post("/api/v1/imports" + (query == null ? "" : "?" + query));
  }

  Map<String, Long> counts() {
    known.flush();
    return store.rowCounts();
  }

  void assertRefused(byte[] body, String query, String detailPart) throws Exception {
    Map<String, Long> before = counts();
    Map<String, String> outside = sentinel.fingerprint();
    Response r = importBody(body, query);
    int status = r.statusCode();
    assertTrue(status >= 400 && status < 500, "status " + status + ": " + r.asString());
    assertTrue(r.contentType().startsWith("application/problem+json"), r.contentType());
    assertEquals(status, (int) r.path("status"));
    String detail = r.path("detail");
    assertTrue(detail.contains(detailPart), detail);
    assertEquals(before, counts(), "nothing stored");
    assertEquals(outside, sentinel.fingerprint(), "nothing changed outside");
    given().auth().oauth2(operator).get("/api/v1/hosts").then().statusCode(200);
  }

  @TestFactory
  Stream<DynamicTest> hostileArchivesAreRefusedAndWriteNothingOutside() throws Exception {
    Path victim = sentinel.victim();
    Map<String, Path> archives =
        Map.of(
            "chained links then a file",
            HostileArchives.chainedLinkEscape(tmp.resolve("chain.tar.gz"), victim),
            "chained links, no sys/",
            HostileArchives.write(
                tmp.resolve("chain-nosys.tar.gz"),
                "l:l->.",
                "l:x->l/../../../../../../../../../..",
                "l:y->x" + victim,
                "f:y=owned"),
            "hard link",
            HostileArchives.withSysfs(tmp.resolve("hard.tar.gz"), "h:sys/h->" + victim),
            "character device",
            HostileArchives.withSysfs(tmp.resolve("chr.tar.gz"), "c:sys/tty"),
            "block device",
            HostileArchives.withSysfs(tmp.resolve("blk.tar.gz"), "b:sys/sda"),
            "FIFO",
            HostileArchives.withSysfs(tmp.resolve("fifo.tar.gz"), "p:sys/fifo"),
            "sparse file",
            HostileArchives.withSysfs(tmp.resolve("sparse.tar.gz"), "S:sys/sparse"));
    return archives.entrySet().stream()
        .map(
            a ->
                DynamicTest.dynamicTest(
                    a.getKey(),
                    () -> assertRefused(Files.readAllBytes(a.getValue()), "host=x", "refused")));
  }

  @TestFactory
  Stream<DynamicTest> reportsTheAgentDoorRefusesAreRefusedHere() {
    List<DynamicTest> tests = new ArrayList<>();
    BadReports.cases("import-bad")
        .forEach(
            (name, body) ->
                tests.add(DynamicTest.dynamicTest(name, () -> assertRefused(body, null, ""))));
    return tests.stream();
  }

  @Test
  void manyGeneratedBadReportsAreRefused() throws Exception {
    Map<String, Long> before = counts();
    for (byte[] body : BadReports.generated("import-gen", 300, 42)) {
      Response r = importBody(body, null);
      assertTrue(r.statusCode() >= 400 && r.statusCode() < 500, r.asString());
      assertTrue(r.contentType().startsWith("application/problem+json"), r.contentType());
    }
    assertEquals(before, counts());
  }

  @TestFactory
  Stream<DynamicTest> hostNamesThatCannotBeAddressedAreRefused() {
    byte[] valid = json(BadReports.valid("name-ok"));
    return Stream.of(".", "..", "a/b", "a b", "-x", "x..y", "%2e%2e", "x".repeat(254))
        .flatMap(
            bad ->
                Stream.of(
                    DynamicTest.dynamicTest(
                        "?host=" + bad,
                        () ->
                            assertRefused(
                                valid,
                                "host=" + java.net.URLEncoder.encode(bad, StandardCharsets.UTF_8),
                                "host name")),
                    DynamicTest.dynamicTest(
                        "host.name " + bad,
                        () -> assertRefused(json(BadReports.valid(bad)), null, "host name")),
                    DynamicTest.dynamicTest(
                        "agent report of host " + bad,
                        () -> {
                          Map<String, Long> before = counts();
                          Response resp =
                              ApiClient.sendReport(ApiClient.ADMIN, json(BadReports.valid(bad)));
                          assertEquals(422, resp.statusCode(), resp.asString());
                          assertTrue(resp.contentType().startsWith("application/problem+json"));
                          assertEquals(before, counts());
                        })));
  }

  @Test
  void agentTokensCannotBeBoundToUnaddressableHosts() {
    for (String bad : List.of(".", "..", "a/b")) {
      given()
          .auth()
          .oauth2(ApiClient.ADMIN)
          .contentType("application/json")
          .body("{\"name\":\"t\",\"role\":\"agent\",\"host\":\"" + bad + "\"}")
          .post("/api/v1/tokens")
          .then()
          .statusCode(400)
          .contentType("application/problem+json");
    }
  }

  @Test
  void hwlocXmlWithAnInternalSubsetIsImported() {
    String xml =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE topology [ <!ENTITY a \"b\"> ]>\n"
            + "<topology version=\"3.0\"><object type=\"Machine\" os_index=\"0\">"
            + "<info name=\"HostName\" value=\"subset-&a;\"/></object></topology>";
    importBody(xml.getBytes(StandardCharsets.UTF_8), null)
        .then()
        .statusCode(201)
        .body("host", org.hamcrest.Matchers.equalTo("subset-b"));
  }

  @Test
  void aValidReportIsImported() {
    importBody(json(BadReports.valid("import-good")), null).then().statusCode(201);
  }

  @Test
  void anImportThatFindsNoFreeSlotIsA503AndStoresNothing() throws Exception {
    Map<String, Long> before = counts();
    busyWithEverySlotHeld(() -> importBody(json(BadReports.valid("import-busy")), null));
    assertEquals(before, counts());
    importBody(json(BadReports.valid("import-busy")), null).then().statusCode(201);
  }

  /**
   * An ibnetdiscover upload is parsed holding every import slot (sixteenth security review: a 16
   * MiB text is about 100 MB of heap while parsed, four at once ran a 512 MiB heap out, and two at
   * once in two slots still peaked at 504 MB): one slot taken by another import is enough to keep
   * it out.
   */
  @Test
  void aDiscoveryUploadThatFindsASlotTakenIsA503AndStoresNothing() {
    String operator = ApiClient.token("disc-slot-op-" + System.nanoTime(), "operator", null);
    String name = "slot-busy-" + System.nanoTime();
    busyWithSlotsHeld(
        1,
        () ->
            given()
                .auth()
                .oauth2(operator)
                .queryParam("name", name)
                .contentType("text/plain")
                .body(
                    "SW     2 19 0x0002c9020040b0e0 4x QDR - CA 61 1 0x00117500006f37a8 ( 'a' - 'b'"
                        + " )\n")
                .post("/api/v1/fabric/discoveries"));
    given().get("/api/v1/fabric/discoveries/" + name).then().statusCode(404);
  }

  /** {@code request} sent while every import slot is held: a 503 problem with Retry-After. */
  private void busyWithEverySlotHeld(java.util.function.Supplier<Response> request) {
    busyWithSlotsHeld(Integer.MAX_VALUE, request);
  }

  /** {@code request} sent while {@code count} import slots (at most all) are held: a 503. */
  private void busyWithSlotsHeld(int count, java.util.function.Supplier<Response> request) {
    int held =
        count == Integer.MAX_VALUE
            ? slots.slots().drainPermits()
            : slots.slots().tryAcquire(count) ? count : 0;
    assertTrue(held > 0, "the slots were free");
    try {
      request
          .get()
          .then()
          .statusCode(503)
          .contentType("application/problem+json")
          .header("Retry-After", org.hamcrest.Matchers.notNullValue());
    } finally {
      slots.slots().release(held);
    }
  }

  /**
   * Security review 9, finding 3: 80,000 one-byte files beside three of 64 MiB hold a fifth of the
   * old 1 GiB of content, but take more than the 512 MiB of space an import may unpack to (4 KiB
   * each at least); refused before a byte is unpacked, and neither tree nor upload stays behind.
   */
  @Test
  void anArchiveOfTinyFilesPastTheSpaceLimitIsRefused() throws Exception {
    long big = 64L << 20;
    int tiny = 81_920; // (512 MiB - 3 x 64 MiB) / 4 KiB: sys/ and sys/t/ push it past the limit
    assertTrue(3 * big + (tiny + 2L) * 4096 > ArchiveExtractor.Limits.DEFAULT.maxSpaceBytes());
    Path archive = tmp.resolve("tiny-files.tar.gz");
    try (SpaceArchive tar = new SpaceArchive(archive)) {
      tar.dir("sys").dir("sys/t");
      for (int i = 0; i < 3; i++) {
        tar.file("sys/big" + i, big);
      }
      for (int i = 0; i < tiny; i++) {
        tar.file("sys/t/f" + i, 1);
      }
    }
    assertRefused(Files.readAllBytes(archive), "host=tiny", "bytes on disk");
    assertEquals(List.of(), ownTemps(), "no unpacked tree or staged upload stays");
  }

  /**
   * This JVM's trees and staged uploads in the server's temp base (the tests leave it unset) and in
   * its user's folder there ({@link ImportFolder}), where imports are made.
   */
  static List<String> ownTemps() throws Exception {
    String tree = UnpackTemps.ownPrefix(UnpackTemps.TREE_PREFIX);
    String staged = UnpackTemps.ownPrefix(UnpackTemps.STAGED_PREFIX);
    List<String> found = new java.util.ArrayList<>();
    for (Path dir :
        List.of(ArchiveExtractor.defaultTempBase(), ImportFolder.of(java.util.Optional.empty()))) {
      try (Stream<Path> s = Files.list(dir)) {
        s.map(p -> dir.relativize(p).toString())
            .filter(n -> n.startsWith(tree) || n.startsWith(staged))
            .forEach(found::add);
      }
    }
    return found;
  }

  static byte[] json(com.fasterxml.jackson.databind.JsonNode n) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(n);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
