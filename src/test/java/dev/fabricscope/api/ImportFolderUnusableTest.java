package dev.fabricscope.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A configured {@code fabricscope.tmpdir} the server cannot write (here: none there) answers an
 * import with a problem that names the setting and stores nothing, not a bare 500 (the last
 * review's open point); the path itself stays in the log.
 */
@QuarkusTest
@TestProfile(ImportFolderUnusableTest.Missing.class)
public class ImportFolderUnusableTest {

  static final String FOLDER = "/nonexistent-fabricscope-import-folder";

  /** The import folder configured where there is none. */
  public static class Missing implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("fabricscope.tmpdir", FOLDER);
    }
  }

  @Test
  void anImportIsAClearProblemAndStoresNothing() {
    String operator = ApiClient.token("unusable-op-" + System.nanoTime(), "operator", null);
    String host = "unusable-folder-host";
    String lspci =
        "00:00.0 Host bridge: Intel Corporation Device 1234 (rev 01)\n"
            + "\tSubsystem: Intel Corporation Device 0000\n";
    given()
        .auth()
        .oauth2(operator)
        .body(lspci.getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .post("/api/v1/imports?host=" + host)
        .then()
        .statusCode(500)
        .contentType(startsWith("application/problem+json"))
        .body("title", org.hamcrest.Matchers.equalTo("Import not staged"))
        .body("detail", containsString("fabricscope.tmpdir"))
        .body("detail", not(containsString(FOLDER)));
    given().auth().oauth2(operator).get("/api/v1/hosts/" + host).then().statusCode(404);
  }
}
