package dev.fabricscope.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.BandwidthClient;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * An admin deletes a host with its snapshots (fourteenth security review: hosts an operator's
 * imports made could not be removed, and their findings stayed in every view). Nobody else may; the
 * host's agent makes it again with its next report.
 */
@QuarkusTest
class HostDeleteTest {

  static boolean listed(String host) {
    List<String> names =
        given()
            .auth()
            .oauth2(ApiClient.ADMIN)
            .queryParam("name", host)
            .get("/api/v1/hosts")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("items.name");
    return names.contains(host);
  }

  @Test
  void onlyAnAdminDeletesAndTheAgentsNextReportMakesTheHostAgain() throws Exception {
    String host = BandwidthClient.hostName("deleted");
    String operator = ApiClient.token(BandwidthClient.hostName("del-op"), "operator", null);
    String viewer = ApiClient.token(BandwidthClient.hostName("del-viewer"), "viewer", null);
    String agent = ApiClient.token(BandwidthClient.hostName("del-agent"), "agent", host);
    String report =
        new String(ApiClient.resource("valid-report.json"), StandardCharsets.UTF_8)
            .replace("corpus-host", host);
    ApiClient.sendReport(agent, report.getBytes(StandardCharsets.UTF_8)).then().statusCode(201);
    for (String t : List.of(viewer, operator, agent)) {
      given().auth().oauth2(t).delete("/api/v1/hosts/" + host).then().statusCode(403);
    }
    given()
        .delete("/api/v1/hosts/" + host)
        .then()
        .statusCode(401)
        .contentType("application/problem+json");
    assertTrue(listed(host));

    given().auth().oauth2(ApiClient.ADMIN).delete("/api/v1/hosts/" + host).then().statusCode(204);
    given().auth().oauth2(viewer).get("/api/v1/hosts/" + host).then().statusCode(404);
    given().auth().oauth2(viewer).get("/api/v1/hosts/" + host + "/topology").then().statusCode(404);
    assertFalse(listed(host));
    given()
        .auth()
        .oauth2(ApiClient.ADMIN)
        .delete("/api/v1/hosts/" + host)
        .then()
        .statusCode(404)
        .contentType("application/problem+json");

    // the same report again: not "unchanged" (the server forgot the host), stored anew
    ApiClient.sendReport(agent, report.getBytes(StandardCharsets.UTF_8)).then().statusCode(201);
    assertTrue(listed(host));
    given().auth().oauth2(viewer).get("/api/v1/hosts/" + host + "/topology").then().statusCode(200);
  }

  /**
   * Hostile names in the path delete nothing: each is no host (404) or no valid URI (400), and a
   * host whose name they resemble stays (the name is compared whole, as a bound parameter).
   */
  @Test
  void hostileNamesDeleteNothing() throws Exception {
    String host = BandwidthClient.hostName("del-kept");
    String agent = ApiClient.token(BandwidthClient.hostName("del-kept-agent"), "agent", host);
    String report =
        new String(ApiClient.resource("valid-report.json"), StandardCharsets.UTF_8)
            .replace("corpus-host", host);
    ApiClient.sendReport(agent, report.getBytes(StandardCharsets.UTF_8)).then().statusCode(201);
    List<String> names =
        new ArrayList<>(
            List.of(
                "%25",
                host.substring(0, 5) + "%25",
                host + "%20",
                "'%20OR%20'1'='1",
                "..",
                "%2e%2e",
                "a".repeat(4000),
                "%00",
                "%0a" + host,
                host.toUpperCase(java.util.Locale.ROOT)));
    Random random = new Random(14);
    String alphabet = "abcXYZ019-_.~%!$&'()*+,;=:@";
    for (int i = 0; i < 40; i++) {
      StringBuilder n = new StringBuilder();
      for (int k = 1 + random.nextInt(20); k > 0; k--) {
        n.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      names.add(n.toString().replace("%", "%25"));
    }
    for (String name : names) {
      int status =
          given()
              .auth()
              .oauth2(ApiClient.ADMIN)
              .urlEncodingEnabled(false)
              .delete("/api/v1/hosts/" + name)
              .then()
              .extract()
              .statusCode();
      assertTrue(status == 404 || status == 400 || status == 414, name + ": " + status);
      assertTrue(listed(host), name + " deleted " + host);
    }
  }

  /**
   * Imported hosts, each with a downtrained link, deleted in a generated order: each leaves the
   * host list and the fleet's findings, the others stay.
   */
  @Test
  void generatedDeletionsLeaveTheOthers() throws Exception {
    String operator = ApiClient.token(BandwidthClient.hostName("del-gen-op"), "operator", null);
    List<String> hosts = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String host = BandwidthClient.hostName("del-gen-" + i);
      given()
          .auth()
          .oauth2(operator)
          .contentType("application/json")
          .body(
              dev.fabricscope.report.ReportJson.write(
                      dev.fabricscope.testing.DowntrainedHost.named(host).report())
                  .getBytes(StandardCharsets.UTF_8))
          .post("/api/v1/imports")
          .then()
          .statusCode(201);
      hosts.add(host);
    }
    Collections.shuffle(hosts, new Random(14));
    for (int i = 0; i < hosts.size(); i++) {
      given()
          .auth()
          .oauth2(ApiClient.ADMIN)
          .delete("/api/v1/hosts/" + hosts.get(i))
          .then()
          .statusCode(204);
      List<String> findingHosts =
          given()
              .auth()
              .oauth2(operator)
              .get("/api/v1/findings")
              .then()
              .statusCode(200)
              .extract()
              .jsonPath()
              .getList("host");
      for (int j = 0; j < hosts.size(); j++) {
        assertEquals(j > i, listed(hosts.get(j)), "after " + (i + 1) + " deletions: " + j);
        assertEquals(
            j > i,
            findingHosts.contains(hosts.get(j)),
            "findings after " + (i + 1) + " deletions: " + j);
      }
    }
  }
}
