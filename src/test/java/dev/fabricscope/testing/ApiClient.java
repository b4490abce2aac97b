package dev.fabricscope.testing;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import java.nio.file.Files;
import java.nio.file.Path;

/** Token handling for REST tests: the test profile's admin token creates the others. */
public final class ApiClient {

  /** {@code %test.fabricscope.admin-token} in application.properties. */
  public static final String ADMIN = "test-admin-secret";

  private ApiClient() {}

  /** Creates a token and returns its secret. */
  public static String token(String name, String role, String host) {
    String body =
        host == null
            ? "{\"name\":\"" + name + "\",\"role\":\"" + role + "\"}"
            : "{\"name\":\"" + name + "\",\"role\":\"" + role + "\",\"host\":\"" + host + "\"}";
    return given()
        .auth()
        .oauth2(ADMIN)
        .contentType(ContentType.JSON)
        .body(body)
        .post("/api/v1/tokens")
        .then()
        .statusCode(201)
        .extract()
        .path("secret");
  }

  /** Sends a report body with an agent (or admin) token. */
  public static io.restassured.response.Response sendReport(String token, byte[] body) {
    return given()
        .auth()
        .oauth2(token)
        .contentType("application/json")
        .body(body)
        .post("/api/v1/reports");
  }

  /** Imports a fixture file (under {@code ../shared/fixtures}) as {@code host}, expecting 201. */
  public static void importFixture(String token, String fixture, String host) throws Exception {
    given()
        .auth()
        .oauth2(token)
        .contentType("application/octet-stream")
        .queryParam("host", host)
        .body(Files.readAllBytes(dev.fabricscope.oracle.Fixtures.root().resolve(fixture)))
        .post("/api/v1/imports")
        .then()
        .statusCode(201);
  }

  /**
   * Copies a stored host into a new plan as {@code token}'s user ({@code name} may be null, then
   * the server names it) and returns the plan's id, expecting 201.
   */
  public static long createPlan(String token, String host, String name) {
    String body =
        name == null
            ? "{\"host\":\"" + host + "\"}"
            : "{\"host\":\"" + host + "\",\"name\":\"" + name + "\"}";
    return given()
        .auth()
        .oauth2(token)
        .contentType(ContentType.JSON)
        .body(body)
        .post("/api/v1/plans")
        .then()
        .statusCode(201)
        .extract()
        .jsonPath()
        .getLong("id");
  }

  /** A test resource file's bytes. */
  public static byte[] resource(String name) throws Exception {
    return Files.readAllBytes(Path.of("src/test/resources", name));
  }
}
