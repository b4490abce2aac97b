package dev.fabricscope.plans;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.BandwidthClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code fabricscope.plans.*} through the API: a review saw that an operator could make plans
 * without end, each a copy of a host's report. Past either limit the answer is a 409 problem that
 * names the setting, and nothing is stored.
 */
@QuarkusTest
@TestProfile(PlanLimitsTest.Small.class)
class PlanLimitsTest {

  /** Two plans per creator, three versions per plan. */
  public static class Small implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "fabricscope.plans.max-per-creator", "2", "fabricscope.plans.max-versions", "3");
    }
  }

  @Test
  void pastEitherLimitIsAConflict() throws Exception {
    BandwidthClient.RigHost rig = BandwidthClient.rigHost("plan-limits");
    long first = PlanRequests.create(rig.operator(), rig.host());
    PlanRequests.create(rig.operator(), rig.host());
    given()
        .auth()
        .oauth2(rig.operator())
        .contentType("application/json")
        .body("{\"host\":\"" + rig.host() + "\"}")
        .post("/api/v1/plans")
        .then()
        .statusCode(409)
        .contentType("application/problem+json")
        .body("detail", containsString("max-per-creator"));
    String other = ApiClient.token(BandwidthClient.hostName("plan-other"), "operator", null);
    PlanRequests.create(other, rig.host());

    PlanRequests.save(rig.operator(), first, 1, "[]").then().statusCode(201);
    PlanRequests.save(rig.operator(), first, 2, "[]").then().statusCode(201);
    PlanRequests.save(rig.operator(), first, 3, "[]")
        .then()
        .statusCode(409)
        .contentType("application/problem+json")
        .body("detail", containsString("max-versions"))
        .body("title", org.hamcrest.Matchers.equalTo("Limit reached"));
    given()
        .auth()
        .oauth2(rig.operator())
        .get("/api/v1/plans/" + first)
        .then()
        .statusCode(200)
        .body("latestVersion", org.hamcrest.Matchers.equalTo(3));
  }
}
