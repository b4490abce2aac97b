package dev.fabricscope.plans;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.BandwidthClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Hostile plan edits and bodies: each refused case is a problem (400 for the wrong shape, 422 for
 * edits the host cannot take) and stores no version; generated bodies never break the server.
 */
@QuarkusTest
class PlanEditRefusalsTest extends OnTheRigHost {

  @Test
  void refusedEditsAndBadBodiesAreProblemsAndStoreNothing() {
    long id = PlanRequests.create(operator, host);
    Map<String, Integer> cases =
        Map.ofEntries(
            Map.entry(
                "{\"basedOn\":1,\"edits\":[{\"op\":\"move\",\"device\":\"0000:03:00.0\","
                    + "\"to\":\"0000:00:11.0\"}]}",
                422),
            Map.entry(
                "{\"basedOn\":1,\"edits\":[{\"op\":\"set-link\",\"device\":\"0000:03:00.0\","
                    + "\"speedGTs\":7,\"width\":16}]}",
                422),
            Map.entry(
                "{\"basedOn\":1,\"edits\":[{\"op\":\"move\",\"device\":\"0000:03:00.0\"}]}", 400),
            Map.entry("{\"basedOn\":1,\"edits\":[{\"op\":\"reboot\"}]}", 400),
            Map.entry(
                "{\"basedOn\":1,\"edits\":[{\"op\":\"set-iommu\",\"enabled\":true," + "\"x\":1}]}",
                400),
            Map.entry("{\"basedOn\":1,\"edits\":{}}", 400),
            Map.entry("{\"basedOn\":\"1\",\"edits\":[]}", 400),
            Map.entry("{\"edits\":[]}", 400),
            Map.entry("{\"basedOn\":1,\"edits\":[],\"extra\":1}", 400),
            Map.entry("[1,2]", 400),
            Map.entry("not json", 400),
            Map.entry("", 400),
            Map.entry("{\"basedOn\":1,\"edits\":[],\"note\":\"" + "x".repeat(2000) + "\"}", 400),
            Map.entry(
                "{\"basedOn\":1,\"edits\":["
                    + String.join(
                        ",",
                        java.util.Collections.nCopies(
                            201, "{\"op\":\"set-iommu\",\"enabled\":true}"))
                    + "]}",
                422),
            Map.entry(
                "{\"basedOn\":1,\"edits\":[],\"note\":\"" + "y".repeat(300_000) + "\"}", 413));
    for (var c : cases.entrySet()) {
      given()
          .auth()
          .oauth2(operator)
          .contentType("application/json")
          .body(c.getKey())
          .post("/api/v1/plans/" + id + "/versions")
          .then()
          .statusCode(c.getValue())
          .contentType("application/problem+json");
    }
    given()
        .auth()
        .oauth2(operator)
        .get("/api/v1/plans/" + id)
        .then()
        .body("latestVersion", equalTo(1));
    for (String path :
        List.of(
            "/api/v1/plans/abc",
            "/api/v1/plans/0",
            "/api/v1/plans/" + id + "/versions/x/topology")) {
      given()
          .auth()
          .oauth2(operator)
          .get(path)
          .then()
          .statusCode(400)
          .contentType("application/problem+json");
    }
    for (String path :
        List.of("/api/v1/plans/987654321", "/api/v1/plans/" + id + "/versions/99/topology")) {
      given()
          .auth()
          .oauth2(operator)
          .get(path)
          .then()
          .statusCode(404)
          .contentType("application/problem+json");
    }
    given()
        .auth()
        .oauth2(operator)
        .contentType("application/json")
        .body("{\"host\":\"../etc\"}")
        .post("/api/v1/plans")
        .then()
        .statusCode(400)
        .body("detail", containsString("host"));
    given()
        .auth()
        .oauth2(operator)
        .contentType("application/json")
        .body("{\"host\":\"no-such-host-x\"}")
        .post("/api/v1/plans")
        .then()
        .statusCode(404);
    given().auth().oauth2(operator).delete("/api/v1/plans/" + id).then().statusCode(204);
    given().auth().oauth2(operator).get("/api/v1/plans/" + id).then().statusCode(404);
    // deleted once: a second delete finds nothing; a bad id is a 400
    given()
        .auth()
        .oauth2(operator)
        .delete("/api/v1/plans/" + id)
        .then()
        .statusCode(404)
        .contentType("application/problem+json")
        .body("detail", containsString("no plan " + id));
    given()
        .auth()
        .oauth2(operator)
        .delete("/api/v1/plans/x1")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
    given().delete("/api/v1/plans/" + id).then().statusCode(401);
  }

  @Test
  void aPortMovedUnderItsOwnSwitchIsRefusedQuicklyForAViewer() {
    // the security review's body: the empty port 02:00.0 would become its own parent, and the
    // IOMMU regrouping used to walk that loop for good; a viewer may preview
    long id = PlanRequests.create(operator, host);
    String viewer = ApiClient.token(BandwidthClient.hostName("plan-viewer"), "viewer", null);
    String edits =
        "[{\"op\":\"move\",\"device\":\"0000:03:00.0\",\"to\":\"0000:01:00.0\"},"
            + "{\"op\":\"move\",\"device\":\"0000:02:00.0\",\"to\":\"0000:01:00.0\"},"
            + "{\"op\":\"set-iommu\",\"enabled\":true}]";
    given()
        .auth()
        .oauth2(viewer)
        .contentType("application/json")
        .body("{\"edits\":" + edits + "}")
        .post("/api/v1/plans/" + id + "/preview")
        .then()
        .time(lessThan(10_000L))
        .statusCode(422)
        .contentType("application/problem+json")
        .body("detail", containsString("part of the device being moved"));
    PlanRequests.save(operator, id, 1, edits)
        .then()
        .time(lessThan(10_000L))
        .statusCode(422)
        .contentType("application/problem+json");
  }

  @Test
  void generatedEditBodiesNeverBreakTheServer() {
    long id = PlanRequests.create(operator, host);
    java.util.Random rnd = new java.util.Random(13);
    String[] ops = {"move", "add-switch", "remove-switch", "set-acs", "set-iommu", "set-link", "x"};
    String[] fields = {
      "device",
      "to",
      "under",
      "ports",
      "speedGTs",
      "width",
      "upstream",
      "port",
      "redirect",
      "enabled"
    };
    String[] values = {
      "\"0000:07:00.0\"",
      "\"0000:01:00.0\"",
      "\"0000:00:12.0\"",
      "16",
      "-1",
      "2.5",
      "true",
      "null",
      "\"../x\"",
      "1e400",
      "[]",
      "{}",
      "\"" + "z".repeat(500) + "\""
    };
    int ok = 0;
    for (int i = 0; i < 150; i++) {
      StringBuilder e = new StringBuilder("{\"op\":\"" + ops[rnd.nextInt(ops.length)] + "\"");
      for (int k = rnd.nextInt(5); k > 0; k--) {
        e.append(",\"")
            .append(fields[rnd.nextInt(fields.length)])
            .append("\":")
            .append(values[rnd.nextInt(values.length)]);
      }
      e.append('}');
      Response r =
          given()
              .auth()
              .oauth2(operator)
              .contentType("application/json")
              .body("{\"edits\":[" + e + "]}")
              .post("/api/v1/plans/" + id + "/preview");
      int s = r.statusCode();
      assertTrue(s == 200 || s == 400 || s == 422, e + " → " + s + " " + r.asString());
      if (s == 200) {
        ok++;
      } else {
        assertEquals("application/problem+json", r.contentType(), e.toString());
      }
    }
    given()
        .auth()
        .oauth2(operator)
        .get("/api/v1/plans/" + id)
        .then()
        .statusCode(200)
        .body("latestVersion", equalTo(1));
    assertTrue(ok >= 0);
  }
}
