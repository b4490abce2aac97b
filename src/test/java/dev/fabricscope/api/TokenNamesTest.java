package dev.fabricscope.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Token names are callers' names in logs, pages, plans and quotas (thirteenth security review,
 * finding 5): control, format and invalid characters and blanks around a name are refused with a
 * 400 problem; names in any script are not. Each reported case, then generated names judged by the
 * character classes the JDK gives.
 */
@QuarkusTest
class TokenNamesTest {

  private static int create(String name) {
    return given()
        .auth()
        .oauth2(ApiClient.ADMIN)
        .contentType("application/json")
        .body("{\"name\":\"" + json(name) + "\",\"role\":\"viewer\"}")
        .post("/api/v1/tokens")
        .statusCode();
  }

  private static String json(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      sb.append(
          c < 0x20 || c == '"' || c == '\\' || Character.isSurrogate(c)
              ? String.format("\\u%04x", (int) c)
              : String.valueOf(c));
    }
    return sb.toString();
  }

  @Test
  void theReportedNamesAreRefusedWithAProblem() {
    for (String name :
        List.of(
            "ops\nINFO forged line",
            "admin\u202Etxt.exe",
            "ops\u200B",
            " ops",
            "ops\t",
            "a\uD800b")) {
      given()
          .auth()
          .oauth2(ApiClient.ADMIN)
          .contentType("application/json")
          .body("{\"name\":\"" + json(name) + "\",\"role\":\"viewer\"}")
          .post("/api/v1/tokens")
          .then()
          .statusCode(400)
          .contentType("application/problem+json")
          .body("detail", containsString("a token's name"));
    }
    for (String name : List.of("prometheus", "Ops Team (Zürich)", "运维", "ops-2026.12")) {
      assertEquals(201, create(name + " " + System.nanoTime()), name);
    }
  }

  @Test
  void generatedNamesAreJudgedByTheirCharacters() {
    Random r = new Random(20261207);
    int[] pool = {
      'a', 'Z', '7', ' ', '-', 0xE9, 0x4E2D, 0x0627, 0x1F600, 0x00, 0x1B, 0x7F, 0x85, 0x200B,
      0x200E, 0x202E, 0x2066, 0xFEFF, 0xE000
    };
    for (int run = 0; run < 300; run++) {
      StringBuilder sb = new StringBuilder("t");
      int n = 1 + r.nextInt(8);
      for (int i = 0; i < n; i++) {
        sb.appendCodePoint(pool[r.nextInt(pool.length)]);
      }
      sb.append('z');
      String name = sb.toString();
      boolean bad =
          name.codePoints()
              .anyMatch(
                  c ->
                      Character.isISOControl(c)
                          || Character.getType(c) == Character.FORMAT
                          || Character.getType(c) == Character.UNASSIGNED);
      if (bad) {
        assertNotNull(TokensResource.oddCharacter(name), name);
      } else {
        assertNull(TokensResource.oddCharacter(name), name);
      }
    }
  }
}
