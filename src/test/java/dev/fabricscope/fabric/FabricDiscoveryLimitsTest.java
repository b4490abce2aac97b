package dev.fabricscope.fabric;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fabricscope.oracle.FabricArchives;
import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's limits on uploaded discoveries ({@code fabricscope.fabric.uploads-max-count}, 32, and
 * {@code uploads-max-bytes}, 8 MiB under test): the server keeps every upload parsed, so without
 * them an operator's uploads had no bound in heap. Other tests share the database: what is stored
 * already is read first, and everything made here is deleted.
 */
@QuarkusTest
class FabricDiscoveryLimitsTest {

  @TempDir Path tmp;

  @Test
  void uploadsPastTheLimitsGet409AndStoreNothing() throws Exception {
    Path dir = FabricArchives.extract("plafrim", tmp);
    byte[] plafrim = Files.readAllBytes(dir.resolve("ib-raw/ib-subnet-fe80:0000:0000:0000.txt"));
    String operator = ApiClient.token("limits-op-" + System.nanoTime(), "operator", null);
    int maxCount =
        ConfigProvider.getConfig().getValue("fabricscope.fabric.uploads-max-count", Integer.class);
    long maxBytes =
        ConfigProvider.getConfig().getValue("fabricscope.fabric.uploads-max-bytes", Long.class);
    List<String> mine = new ArrayList<>();
    try {
      // the count: fill up to it, then a new name is refused and a replacement is not
      int stored = given().auth().oauth2(operator).get("/api/v1/fabric/discoveries").path("size()");
      for (int i = stored; i < maxCount; i++) {
        String name = "limit-" + i + "-" + System.nanoTime();
        upload(operator, name, plafrim).then().statusCode(201);
        mine.add(name);
      }
      upload(operator, "one-too-many", plafrim)
          .then()
          .statusCode(409)
          .contentType("application/problem+json")
          .body("detail", containsString("at most " + maxCount + " discoveries"));
      // the room is checked before the text is read (sixteenth security review): a body that is
      // no discovery at all is refused for the room too, unparsed
      upload(operator, "one-too-many", "\u0000 no discovery".getBytes(StandardCharsets.UTF_8))
          .then()
          .statusCode(409);
      given().get("/api/v1/fabric/discoveries/one-too-many").then().statusCode(404);
      upload(operator, mine.get(0), plafrim).then().statusCode(200);
      deleteAll(operator, mine);

      // the bytes: two texts just over half of what is left do not fit together
      long used = 0;
      for (int b :
          given()
              .auth()
              .oauth2(operator)
              .get("/api/v1/fabric/discoveries")
              .jsonPath()
              .getList("bytes", Integer.class)) {
        used += b;
      }
      long half = (maxBytes - used) / 2 + 1;
      byte[] big =
          new String(plafrim, StandardCharsets.UTF_8)
              .repeat((int) (half / plafrim.length) + 1)
              .getBytes(StandardCharsets.UTF_8);
      String first = "big-a-" + System.nanoTime();
      upload(operator, first, big).then().statusCode(201);
      mine.add(first);
      String second = "big-b-" + System.nanoTime();
      upload(operator, second, big)
          .then()
          .statusCode(409)
          .body("detail", containsString("fabricscope.fabric.uploads-max-bytes"));
      given().get("/api/v1/fabric/discoveries/" + second).then().statusCode(404);
      // replacing the big one with itself fits: it counts instead of the old one
      upload(operator, first, big).then().statusCode(200);
      assertEquals(
          big.length,
          given()
              .get("/api/v1/fabric/discoveries")
              .jsonPath()
              .getInt("find { it.name == '" + first + "' }.bytes"));
    } finally {
      deleteAll(operator, mine);
    }
  }

  static io.restassured.response.Response upload(String token, String name, byte[] body) {
    return given()
        .auth()
        .oauth2(token)
        .queryParam("name", name)
        .contentType("text/plain")
        .body(body)
        .post("/api/v1/fabric/discoveries");
  }

  static void deleteAll(String operator, List<String> names) {
    for (String n : names) {
      given().auth().oauth2(operator).delete("/api/v1/fabric/discoveries/" + n);
    }
    names.clear();
  }
}
