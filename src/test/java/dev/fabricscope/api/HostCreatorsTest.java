package dev.fabricscope.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.ingest.ReportIngest;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.BandwidthClient;
import dev.fabricscope.testing.DowntrainedHost;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Who created each host (a security review's open point): the first writer of a host is recorded
 * ({@code createdBy}) and kept; the list filters by it; an admin deletes one creator's hosts at
 * once. Generated creator values are in {@link HostCreatorsQueryGeneratedTest}.
 */
@QuarkusTest
class HostCreatorsTest {

  @Inject ReportIngest ingest;

  static byte[] report(String host) {
    return ReportJson.write(DowntrainedHost.named(host).report()).getBytes(StandardCharsets.UTF_8);
  }

  /** The sample report, another content than {@link #report}'s. */
  static byte[] otherReport(String host) throws Exception {
    return new String(ApiClient.resource("valid-report.json"), StandardCharsets.UTF_8)
        .replace("corpus-host", host)
        .getBytes(StandardCharsets.UTF_8);
  }

  static void importAs(String token, byte[] body) {
    given()
        .auth()
        .oauth2(token)
        .contentType("application/json")
        .body(body)
        .post("/api/v1/imports")
        .then()
        .statusCode(201);
  }

  static String createdBy(String host) {
    return given()
        .auth()
        .oauth2(ApiClient.ADMIN)
        .get("/api/v1/hosts/" + host)
        .then()
        .statusCode(200)
        .extract()
        .path("createdBy");
  }

  static Set<String> listedBy(String createdBy) {
    return new HashSet<>(
        given()
            .auth()
            .oauth2(ApiClient.ADMIN)
            .queryParam("createdBy", createdBy)
            .queryParam("limit", 500)
            .get("/api/v1/hosts")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("items.name", String.class));
  }

  @Test
  void anImportRecordsTheOperatorsTokenAndTheListShowsIt() {
    String name = BandwidthClient.hostName("creator-op");
    String operator = ApiClient.token(name, "operator", null);
    String host = BandwidthClient.hostName("creator-imported");
    importAs(operator, report(host));
    assertEquals("token:" + name, createdBy(host));
    List<Map<String, Object>> items =
        given()
            .auth()
            .oauth2(operator)
            .queryParam("name", host)
            .get("/api/v1/hosts")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("items");
    assertEquals(1, items.size());
    assertEquals("token:" + name, items.get(0).get("createdBy"));
  }

  @Test
  void anAgentsFirstReportRecordsItAndNoLaterWriterChangesIt() throws Exception {
    String host = BandwidthClient.hostName("creator-agent-host");
    String agentName = BandwidthClient.hostName("creator-agent");
    String agent = ApiClient.token(agentName, "agent", host);
    ApiClient.sendReport(agent, report(host)).then().statusCode(201);
    assertEquals("agent:" + agentName, createdBy(host));

    // an operator's import of other content, an admin's report, the agent again: all kept
    String operator =
        ApiClient.token(BandwidthClient.hostName("creator-later-op"), "operator", null);
    importAs(operator, otherReport(host));
    ApiClient.sendReport(ApiClient.ADMIN, report(host)).then().statusCode(201);
    ApiClient.sendReport(agent, otherReport(host)).then().statusCode(201);
    assertEquals("agent:" + agentName, createdBy(host));

    // the other way round: the operator's import first, then the host's agent
    String imported = BandwidthClient.hostName("creator-imported-first");
    String operatorName = BandwidthClient.hostName("creator-first-op");
    importAs(ApiClient.token(operatorName, "operator", null), report(imported));
    String lateAgent = ApiClient.token(BandwidthClient.hostName("creator-late"), "agent", imported);
    ApiClient.sendReport(lateAgent, otherReport(imported)).then().statusCode(201);
    assertEquals("token:" + operatorName, createdBy(imported));

    // an admin's report that makes a host: the bootstrap admin token's name
    String byAdmin = BandwidthClient.hostName("creator-by-admin");
    ApiClient.sendReport(ApiClient.ADMIN, report(byAdmin)).then().statusCode(201);
    assertEquals("token:bootstrap-admin", createdBy(byAdmin));
  }

  @Test
  void theListFiltersByCreatorExactly() {
    String a = BandwidthClient.hostName("creator-filter-a");
    String b = a + "b"; // a's name is a prefix of b's: exact match only
    String tokenA = ApiClient.token(a, "operator", null);
    String tokenB = ApiClient.token(b, "operator", null);
    Set<String> ofA = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      String host = BandwidthClient.hostName("creator-filter-host-a");
      importAs(tokenA, report(host));
      ofA.add(host);
    }
    String hostB = BandwidthClient.hostName("creator-filter-host-b");
    importAs(tokenB, report(hostB));
    assertEquals(ofA, listedBy("token:" + a));
    assertEquals(Set.of(hostB), listedBy("token:" + b));
    assertEquals(Set.of(), listedBy("TOKEN:" + a));
    assertEquals(Set.of(), listedBy("token:" + a.substring(0, a.length() - 1) + "%"));
    assertEquals(Set.of(), listedBy(a));
    // with another filter and a finding (the downtrained link every one of them has)
    given()
        .queryParam("createdBy", "token:" + a)
        .queryParam("finding", "DOWNTRAINED_LINK")
        .queryParam("limit", 500)
        .get("/api/v1/hosts")
        .then()
        .statusCode(200)
        .body("total", org.hamcrest.Matchers.equalTo(3));
    for (String bad : List.of("x".repeat(256), "token:\u0000", "a\nb", "\u007f")) {
      given()
          .queryParam("createdBy", bad)
          .get("/api/v1/hosts")
          .then()
          .statusCode(400)
          .contentType("application/problem+json");
    }
  }

  @Test
  void anAdminDeletesOneCreatorsHostsAndNobodyElseMay() throws Exception {
    String floodName = BandwidthClient.hostName("creator-flood");
    String flood = ApiClient.token(floodName, "operator", null);
    String otherName = BandwidthClient.hostName("creator-bystander");
    String other = ApiClient.token(otherName, "operator", null);
    String viewer = ApiClient.token(BandwidthClient.hostName("creator-viewer"), "viewer", null);
    List<String> flooded = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String host = BandwidthClient.hostName("creator-flooded");
      importAs(flood, report(host));
      flooded.add(host);
    }
    // more than a batch of them, stored as the import does (an import each would take minutes)
    for (int i = 0; i < BulkHostDelete.BATCH + 5; i++) {
      String host = BandwidthClient.hostName("creator-flooded-bulk");
      ingest.store(
          DowntrainedHost.named(host).report(), host, true, Map.of(), "token:" + floodName);
      flooded.add(host);
    }
    String kept = BandwidthClient.hostName("creator-kept");
    importAs(other, report(kept));
    // a host the flooder only wrote to after another made it is not the flooder's
    importAs(flood, otherReport(kept));
    assertEquals(Set.copyOf(flooded), listedBy("token:" + floodName));

    for (String token : List.of(flood, other, viewer)) {
      given()
          .auth()
          .oauth2(token)
          .queryParam("createdBy", "token:" + floodName)
          .delete("/api/v1/hosts")
          .then()
          .statusCode(403)
          .contentType("application/problem+json");
    }
    given()
        .queryParam("createdBy", "token:" + floodName)
        .delete("/api/v1/hosts")
        .then()
        .statusCode(401);
    for (String missing : List.of("", "absent")) {
      var request = given().auth().oauth2(ApiClient.ADMIN);
      if (!missing.equals("absent")) {
        request = request.queryParam("createdBy", missing);
      }
      request
          .delete("/api/v1/hosts")
          .then()
          .statusCode(400)
          .contentType("application/problem+json");
    }
    assertEquals(Set.copyOf(flooded), listedBy("token:" + floodName));

    given()
        .auth()
        .oauth2(ApiClient.ADMIN)
        .queryParam("createdBy", "token:" + floodName)
        .delete("/api/v1/hosts")
        .then()
        .statusCode(200)
        .body("deleted", org.hamcrest.Matchers.equalTo(flooded.size()));
    assertEquals(Set.of(), listedBy("token:" + floodName));
    for (String host : List.of(flooded.get(0), flooded.get(flooded.size() - 1))) {
      given().auth().oauth2(viewer).get("/api/v1/hosts/" + host).then().statusCode(404);
    }
    assertEquals("token:" + otherName, createdBy(kept));
    List<String> findingHosts =
        given()
            .auth()
            .oauth2(viewer)
            .get("/api/v1/findings")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("host");
    assertTrue(findingHosts.stream().noneMatch(flooded::contains), "the deleted hosts' findings");
    given()
        .auth()
        .oauth2(ApiClient.ADMIN)
        .queryParam("createdBy", "token:" + floodName)
        .delete("/api/v1/hosts")
        .then()
        .statusCode(200)
        .body("deleted", org.hamcrest.Matchers.equalTo(0));
  }

  /**
   * The deleted hosts are forgotten: an agent's same report again is stored anew, not unchanged.
   */
  @Test
  void anAgentsHostDeletedByCreatorComesBackWithItsNextReport() {
    String host = BandwidthClient.hostName("creator-back");
    String agentName = BandwidthClient.hostName("creator-back-agent");
    String agent = ApiClient.token(agentName, "agent", host);
    ApiClient.sendReport(agent, report(host)).then().statusCode(201);
    ApiClient.sendReport(agent, report(host)).then().statusCode(200);
    given()
        .auth()
        .oauth2(ApiClient.ADMIN)
        .queryParam("createdBy", "agent:" + agentName)
        .delete("/api/v1/hosts")
        .then()
        .statusCode(200)
        .body("deleted", org.hamcrest.Matchers.equalTo(1));
    ApiClient.sendReport(agent, report(host)).then().statusCode(201);
    assertEquals("agent:" + agentName, createdBy(host));
  }
}
