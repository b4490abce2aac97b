package dev.fabricscope.plans;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.restassured.response.Response;

/** Plan requests the plan tests share: a new plan of a host, a saved version. */
final class PlanRequests {

  private PlanRequests() {}

  /** Creates a plan of {@code host} (201, version 1 without edits); returns its id. */
  static long create(String token, String host) {
    return given()
        .auth()
        .oauth2(token)
        .contentType("application/json")
        .body("{\"host\":\"" + host + "\",\"name\":\"more NICs under the switch\"}")
        .post("/api/v1/plans")
        .then()
        .statusCode(201)
        .body("latestVersion", equalTo(1))
        .body("versions[0].edits", hasSize(0))
        .body("host", equalTo(host))
        .extract()
        .jsonPath()
        .getLong("id");
  }

  /** Saves a version based on {@code basedOn} with these edits (a JSON array). */
  static Response save(String operator, long id, int basedOn, String edits) {
    return given()
        .auth()
        .oauth2(operator)
        .contentType("application/json")
        .body("{\"basedOn\":" + basedOn + ",\"edits\":" + edits + ",\"note\":\"n\"}")
        .post("/api/v1/plans/" + id + "/versions");
  }
}
