package dev.fabricscope.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code fabricscope.history.max-hosts}: an operator's imports cannot add hosts without end (the
 * last review's open point). On an inventory of its own (a separate in-memory database) with room
 * for 2 hosts, a third host's import is a 507 problem that stores nothing, while the hosts there
 * still import; after an admin deletes one, the third fits.
 */
@QuarkusTest
@TestProfile(HostLimitTest.TwoHosts.class)
public class HostLimitTest {

  /** Room for two hosts, in a database no other test writes. */
  public static class TwoHosts implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "fabricscope.history.max-hosts",
          "2",
          "fabricscope.db.url",
          "jdbc:h2:mem:fabricscope-host-limit;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000");
    }
  }

  @Test
  void aThirdHostIsA507UntilOneIsDeleted() throws Exception {
    String operator = ApiClient.token("host-limit-op-" + System.nanoTime(), "operator", null);
    byte[] xml = Files.readAllBytes(Fixtures.root().resolve("hwloc-xml/nvidiaDGX2.xml"));
    importAs(operator, xml, "limit-a").then().statusCode(201);
    importAs(operator, xml, "limit-b").then().statusCode(201);
    importAs(operator, xml, "limit-c")
        .then()
        .statusCode(507)
        .contentType(startsWith("application/problem+json"))
        .body("status", equalTo(507))
        .body("detail", containsString("fabricscope.history.max-hosts (2)"));
    given().auth().oauth2(operator).get("/api/v1/hosts/limit-c").then().statusCode(404);
    given().auth().oauth2(operator).get("/api/v1/hosts").then().body("total", equalTo(2));

    // the hosts there still import
    importAs(operator, xml, "limit-a").then().statusCode(201);

    given().auth().oauth2(ApiClient.ADMIN).delete("/api/v1/hosts/limit-b").then().statusCode(204);
    importAs(operator, xml, "limit-c").then().statusCode(201);
  }

  private static io.restassured.response.Response importAs(
      String operator, byte[] body, String host) {
    return given().auth().oauth2(operator).body(body).post("/api/v1/imports?host=" + host);
  }
}
