package dev.fabricscope.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.testing.BandwidthClient;
import dev.fabricscope.testing.SignOnBrowser;
import dev.fabricscope.testing.SignOnProfile;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.RestAssured;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * The agents' endpoints take a bearer token only. A review saw that a link on another site (a top
 * level GET, which carries the SameSite=lax session cookie) made a signed-on admin's browser take
 * an agent's bandwidth job, which the real agent then never ran. Now a session is refused there and
 * the job stays queued for the agent.
 */
@QuarkusTest
@TestProfile(SignOnProfile.class)
@QuarkusTestResource(value = OidcWiremockTestResource.class, restrictToAnnotatedClass = true)
class AgentEndpointsSessionTest {

  @Test
  void aSignedOnAdminsBrowserCannotTakeAnAgentsJob() throws Exception {
    BandwidthClient.RigHost rig = BandwidthClient.rigHost("session-jobs");
    long id = BandwidthClient.queue(rig.operator(), BandwidthClient.memcpy(rig.host(), 1));
    String base = "http://localhost:" + RestAssured.port;
    SignOnBrowser alice = SignOnBrowser.signedOn(base); // an admin (groups user, admin)

    for (String path :
        new String[] {
          "/api/v1/agents/" + rig.host() + "/jobs?waitSeconds=0",
          "/api/v1/agents/" + rig.host() + "/jobs"
        }) {
      HttpResponse<String> taken =
          alice.client.send(
              HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(401, taken.statusCode(), path + ": " + taken.body());
      assertTrue(taken.body().contains("bearer token"), taken.body());
    }
    // a report through the session, even from this server's own origin, asks for a bearer token
    HttpResponse<String> report =
        alice.client.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/reports"))
                .header("Origin", base)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(401, report.statusCode(), report.body());
    assertTrue(report.body().contains("bearer token"), report.body());

    // the agent, with its token, still gets the job
    long handed =
        ((Number)
                BandwidthClient.poll(rig.agent(), rig.host(), 0)
                    .then()
                    .statusCode(200)
                    .extract()
                    .path("jobId"))
            .longValue();
    assertEquals(id, handed);
  }
}
