package dev.fabricscope.bandwidth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.notNullValue;

import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.BandwidthClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One caller queues at most {@code fabricscope.bandwidth.max-active-per-caller} tests at once (16
 * by default, as this profile sets it again over the test suite's own value): a review saw that an
 * operator could queue without end. The next is a 429 problem; another caller is not affected; a
 * cancelled test gives its place back.
 */
@QuarkusTest
@TestProfile(BandwidthActiveLimitTest.Default.class)
class BandwidthActiveLimitTest {

  /** The shipped default, not the suite's. */
  public static class Default implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "fabricscope.bandwidth.max-active-per-caller",
          "16",
          "fabricscope.bandwidth.created-burst-per-caller",
          "30",
          "fabricscope.bandwidth.created-per-minute-per-caller",
          "1");
    }
  }

  @Test
  void aCallerQueuesSixteenTestsAndTheNextIsRefused() throws Exception {
    BandwidthClient.RigHost rig = BandwidthClient.rigHost("active-limit");
    String body = BandwidthClient.memcpy(rig.host(), 1);
    List<Long> queued = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      queued.add(BandwidthClient.queue(rig.operator(), body));
    }
    BandwidthClient.post(rig.operator(), body)
        .then()
        .statusCode(429)
        .header("Retry-After", "5")
        .contentType(containsString("application/problem+json"))
        .body("detail", containsString("max-active-per-caller"));

    String other = ApiClient.token(BandwidthClient.hostName("active-other"), "operator", null);
    BandwidthClient.queue(other, body);

    given()
        .auth()
        .oauth2(rig.operator())
        .delete("/api/v1/bandwidth-tests/" + queued.get(0))
        .then()
        .statusCode(200);
    BandwidthClient.queue(rig.operator(), body);
  }

  /**
   * Creating and cancelling in a loop is bounded by the creation rate (twelfth security review,
   * finding 2: 886 tests a second, never deleted): 30 at once here, then one a minute. Refused
   * requests take no place.
   */
  @Test
  void aCallerCreatesAtTheCreationRateEvenWhenCancelling() throws Exception {
    BandwidthClient.RigHost rig = BandwidthClient.rigHost("created-rate");
    String body = BandwidthClient.memcpy(rig.host(), 1);
    for (int i = 0; i < 5; i++) {
      BandwidthClient.post(rig.operator(), body.replace("numa:0", "numa:9")).then().statusCode(422);
    }
    for (int i = 0; i < 30; i++) {
      long id = BandwidthClient.queue(rig.operator(), body);
      given()
          .auth()
          .oauth2(rig.operator())
          .delete("/api/v1/bandwidth-tests/" + id)
          .then()
          .statusCode(200);
    }
    BandwidthClient.post(rig.operator(), body)
        .then()
        .statusCode(429)
        .header("Retry-After", notNullValue())
        .contentType(containsString("application/problem+json"))
        .body("detail", containsString("created-burst-per-caller"));
    String other = ApiClient.token(BandwidthClient.hostName("created-other"), "operator", null);
    BandwidthClient.queue(other, body);
  }
}
