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
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code fabricscope.history.agent-reserve}: one operator's imports cannot take the last hosts of
 * {@code max-hosts} (eighteenth security review, finding 3: imports filled the limit and newly
 * enrolled agents' first reports got 507). On an inventory of its own with room for 5 hosts, 2 of
 * them kept for agents: the fourth imported host is a 507 that says the rest is kept for agents, an
 * admin's report of a new host too, while new agents' first reports get in until the limit itself,
 * past which agents get the 507 of max-hosts.
 */
@QuarkusTest
@TestProfile(AgentReserveTest.FiveHostsTwoKept.class)
public class AgentReserveTest {

  /** Room for five hosts, two kept for agents, in a database no other test writes. */
  public static class FiveHostsTwoKept implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "fabricscope.history.max-hosts",
          "5",
          "fabricscope.history.agent-reserve",
          "2",
          "fabricscope.db.url",
          "jdbc:h2:mem:fabricscope-agent-reserve;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000");
    }
  }

  @Test
  void importsStopAtTheReserveAndAgentsStillGetIn() throws Exception {
    String operator = ApiClient.token("reserve-op", "operator", null);
    byte[] xml = Files.readAllBytes(Fixtures.root().resolve("hwloc-xml/nvidiaDGX2.xml"));
    for (String host : new String[] {"junk-1", "junk-2", "junk-3"}) {
      importAs(operator, xml, host).then().statusCode(201);
    }
    importAs(operator, xml, "junk-4")
        .then()
        .statusCode(507)
        .contentType(startsWith("application/problem+json"))
        .body("detail", containsString("kept for agents' first reports of their own hosts"))
        .body("detail", containsString("fabricscope.history.agent-reserve: 2"));
    // an admin's report is no agent's: it may not take the reserve either
    ApiClient.sendReport(ApiClient.ADMIN, report("admin-new"))
        .then()
        .statusCode(507)
        .body("detail", containsString("kept for agents"));
    // hosts already there still import
    importAs(operator, xml, "junk-2").then().statusCode(201);

    for (String host : new String[] {"newnode-1", "newnode-2"}) {
      String agent = ApiClient.token("reserve-agent-" + host, "agent", host);
      ApiClient.sendReport(agent, report(host)).then().statusCode(201);
    }
    String last = ApiClient.token("reserve-agent-newnode-3", "agent", "newnode-3");
    ApiClient.sendReport(last, report("newnode-3"))
        .then()
        .statusCode(507)
        .body("status", equalTo(507))
        .body("detail", containsString("fabricscope.history.max-hosts (5)"));
    given().auth().oauth2(operator).get("/api/v1/hosts").then().body("total", equalTo(5));
  }

  /** The test report, as {@code host}'s. */
  static byte[] report(String host) throws Exception {
    String json;
    try (var in = AgentReserveTest.class.getResourceAsStream("/valid-report.json")) {
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    return json.replace("\"name\":\"corpus-host\"", "\"name\":\"" + host + "\"")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static Response importAs(String operator, byte[] body, String host) {
    return given().auth().oauth2(operator).body(body).post("/api/v1/imports?host=" + host);
  }
}
