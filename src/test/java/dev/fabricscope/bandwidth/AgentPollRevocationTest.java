package dev.fabricscope.bandwidth;

import static dev.fabricscope.testing.BandwidthClient.event;
import static dev.fabricscope.testing.BandwidthClient.poll;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.inventory.TokenStore;
import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.BandwidthClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A token revoked while its long poll waits gets 401 and no job, and the job stays queued for a
 * valid agent: a review saw the revoked holder get the next job (and, for a two-host test, the
 * peer's address). Every way a waiting poll wakes (a test queued for the host, a listener ready for
 * the run side) crossed with both ways a revocation arrives (through this server, or only in the
 * database as through another replica, while this one's token cache still holds the token).
 */
@QuarkusTest
class AgentPollRevocationTest {

  /** How the revocation reaches this server. */
  enum Revocation {
    API,
    DATABASE_ONLY
  }

  /** The side the revoked agent's waiting poll would have been handed. */
  enum Side {
    ONE_HOST,
    TWO_HOST_LISTEN,
    TWO_HOST_RUN
  }

  @Inject TokenStore tokens;
  @Inject BandwidthJobs jobs;

  static Stream<Arguments> cases() {
    List<Arguments> all = new ArrayList<>();
    for (Revocation r : Revocation.values()) {
      for (Side s : Side.values()) {
        all.add(Arguments.of(r, s));
      }
    }
    return all.stream();
  }

  @ParameterizedTest
  @MethodSource("cases")
  void aRevokedWaitingPollGetsNoJob(Revocation revocation, Side side) throws Exception {
    String operator = ApiClient.token(BandwidthClient.hostName("revoke-op"), "operator", null);
    String host = BandwidthClient.hostName("revoke-host");
    BandwidthClient.addHost(operator, host);
    String peer = BandwidthClient.hostName("revoke-peer");
    BandwidthClient.addHost(operator, peer);
    String peerAgent = ApiClient.token(BandwidthClient.hostName("peer-agent"), "agent", peer);
    Response created = agentToken(host);
    String revoked = created.path("secret");
    long tokenId = ((Number) created.path("token.id")).longValue();

    long job;
    String body =
        switch (side) {
          case ONE_HOST -> BandwidthClient.memcpy(host, 1);
          case TWO_HOST_LISTEN -> BandwidthClient.tcp(peer, host);
          case TWO_HOST_RUN -> BandwidthClient.tcp(host, peer);
        };
    if (side == Side.TWO_HOST_RUN) {
      // the run side waits for the listener: queued first, its listener taken by the peer
      job = BandwidthClient.queue(operator, body);
      poll(peerAgent, peer, 5).then().statusCode(200).body("role", equalTo("listen"));
    } else {
      job = -1;
    }
    CompletableFuture<Response> waiting =
        CompletableFuture.supplyAsync(() -> poll(revoked, host, 60));
    awaitPlaces(host, 1);
    if (revocation == Revocation.API) {
      given()
          .auth()
          .oauth2(ApiClient.ADMIN)
          .delete("/api/v1/tokens/" + tokenId)
          .then()
          .statusCode(204);
    } else {
      assertTrue(tokens.revoke(tokenId, Instant.now()));
    }
    if (side == Side.TWO_HOST_RUN) {
      event(peerAgent, peer, job, "{\"type\":\"listening\",\"address\":\"10.0.0.2\",\"port\":5201}")
          .then()
          .statusCode(200);
    } else {
      job = BandwidthClient.queue(operator, body);
    }

    Response r = waiting.get(20, TimeUnit.SECONDS);
    r.then().statusCode(401).body("detail", containsString("revoked"));
    String expected = side == Side.TWO_HOST_RUN ? "listening" : "queued";
    BandwidthClient.get(operator, job).then().statusCode(200).body("state", equalTo(expected));
    awaitPlaces(host, 0);
    // the side is still there for a valid agent of the host
    String fresh = ApiClient.token(BandwidthClient.hostName("fresh-agent"), "agent", host);
    poll(fresh, host, 5)
        .then()
        .statusCode(200)
        .body("jobId", equalTo((int) job))
        .body("role", equalTo(side == Side.TWO_HOST_LISTEN ? "listen" : "run"));
  }

  static Response agentToken(String host) {
    return given()
        .auth()
        .oauth2(ApiClient.ADMIN)
        .contentType(ContentType.JSON)
        .body(
            "{\"name\":\""
                + BandwidthClient.hostName("revoked-agent")
                + "\",\"role\":\"agent\",\"host\":\""
                + host
                + "\"}")
        .post("/api/v1/tokens");
  }

  /** Waits until the polls of {@code host} hold {@code n} places. */
  void awaitPlaces(String host, int n) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (jobs.pollPlaces(host) != n && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    assertEquals(n, jobs.pollPlaces(host), "poll places of " + host);
  }
}
