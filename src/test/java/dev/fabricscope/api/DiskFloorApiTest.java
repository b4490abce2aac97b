package dev.fabricscope.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.fabricscope.inventory.Database;
import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code fabricscope.history.min-free-disk} as agents and importers meet it: on an H2 file database
 * whose volume has less free space than the floor (set far above any real disk), a changed report
 * and an import are refused with a 507 problem and nothing is stored; reads still answer.
 */
@QuarkusTest
@TestProfile(DiskFloorApiTest.FloorAboveTheDisk.class)
class DiskFloorApiTest {

  /** An H2 file in a fresh folder, and a floor of 1 EiB. */
  public static class FloorAboveTheDisk implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      // under target/, which a clean removes, rather than a temporary folder left behind
      Path dir = Path.of("target", "disk-floor-" + System.nanoTime()).toAbsolutePath();
      return Map.of(
          "fabricscope.data-dir", dir.toString(),
          "fabricscope.db.url", Database.h2FileUrl(dir),
          "fabricscope.history.min-free-disk", Long.toString(1L << 60));
    }
  }

  @Test
  void aChangedReportIsRefusedWith507AndNothingIsStored() throws Exception {
    String report =
        new String(ApiClient.resource("valid-report.json"), StandardCharsets.UTF_8)
            .replace("corpus-host", "floor-host");
    String token = ApiClient.token("floor-" + System.nanoTime(), "agent", "floor-host");
    ApiClient.sendReport(token, report.getBytes(StandardCharsets.UTF_8))
        .then()
        .statusCode(507)
        .contentType(Problem.MEDIA_TYPE)
        .header("Retry-After", nullValue())
        .body("status", equalTo(507))
        .body("title", equalTo("Insufficient storage"))
        .body("detail", containsString("fabricscope.history.min-free-disk"));
    given().get("/api/v1/hosts/floor-host").then().statusCode(404);
  }

  @Test
  void anImportIsRefusedWith507() throws Exception {
    String operator = ApiClient.token("floor-op-" + System.nanoTime(), "operator", null);
    given()
        .auth()
        .oauth2(operator)
        .contentType("application/octet-stream")
        .queryParam("host", "floor-import")
        .body(ApiClient.resource("valid-report.json"))
        .post("/api/v1/imports")
        .then()
        .statusCode(507)
        .contentType(Problem.MEDIA_TYPE)
        .body("status", equalTo(507));
    given().get("/api/v1/hosts/floor-import").then().statusCode(404);
  }
}
