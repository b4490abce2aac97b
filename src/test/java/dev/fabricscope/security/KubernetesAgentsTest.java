package dev.fabricscope.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Agents with Kubernetes tokens ({@code fabricscope.kubernetes.*}) against an API server that
 * reviews them ({@link FakeKubernetesApi}): the node the API server names is the one host the agent
 * may write; every other answer is refused with its reason; a token is reviewed once per cache
 * period; a refusal to review is a 503, not a login failure; anything not shaped like a Kubernetes
 * token is never sent to the API server.
 */
@QuarkusTest
@TestProfile(KubernetesAgentsTest.WithApiServer.class)
class KubernetesAgentsTest {

  /** The fake API server and the agents' service account. */
  public static class WithApiServer implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(new TestResourceEntry(FakeKubernetesApi.class));
    }
  }

  @ConfigProperty(name = "fabricscope.kubernetes.api-server")
  String apiServer;

  @Test
  void anAgentWritesItsOwnNodeOnly() throws Exception {
    int before = reviews();
    send(FakeKubernetesApi.NODE_A, "k8s-node-a").then().statusCode(201);
    send(FakeKubernetesApi.NODE_A, "k8s-node-a-other")
        .then()
        .statusCode(403)
        .body("detail", containsString("may only write host 'k8s-node-a'"));
    given()
        .auth()
        .oauth2(FakeKubernetesApi.NODE_A)
        .get("/api/v1/agents/k8s-node-a/jobs?waitSeconds=0")
        .then()
        .statusCode(204); // its own queue, empty
    given()
        .auth()
        .oauth2(FakeKubernetesApi.NODE_A)
        .get("/api/v1/agents/k8s-node-b/jobs?waitSeconds=0")
        .then()
        .statusCode(403);
    // an agent reads nothing else
    given().auth().oauth2(FakeKubernetesApi.NODE_A).get("/api/v1/hosts").then().statusCode(403);
    assertEquals(1, reviews() - before, "reviewed once, then kept");
  }

  @Test
  void everyOtherAnswerIsRefusedWithItsReason() throws Exception {
    refused(FakeKubernetesApi.OTHER_ACCOUNT, "not one of the agents' service account");
    refused(FakeKubernetesApi.NO_NODE, "names no node");
    refused(FakeKubernetesApi.FORGED, "does not accept this token");
    int before = reviews();
    refused(FakeKubernetesApi.OTHER_ACCOUNT, "not one of the agents' service account");
    assertEquals(before, reviews(), "a refusal is kept too: no review flood");
    // not a Kubernetes token for our audience: never sent to the API server
    send(FakeKubernetesApi.OTHER_AUDIENCE, "k8s-node-a").then().statusCode(401);
    String oidcLike =
        java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("{}".getBytes())
            + "."
            + java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("{\"aud\":\"fabricscope\",\"sub\":\"ada\"}".getBytes())
            + ".c2ln";
    send(oidcLike, "k8s-node-a").then().statusCode(401);
    send("not-a-jwt-" + System.nanoTime(), "k8s-node-a").then().statusCode(401);
    send("a.b.c.d", "k8s-node-a").then().statusCode(401);
    send("e30.bm90IGpzb24.c2ln", "k8s-node-a").then().statusCode(401);
    assertEquals(before, reviews());
    // fabricscope's own tokens are unaffected
    String own = ApiClient.token("own-" + System.nanoTime(), "agent", "k8s-own");
    send(own, "k8s-own").then().statusCode(201);
    assertEquals(before, reviews());
  }

  @Test
  void anApprovalIsNeverKeptPastItsTokensExp() throws Exception {
    int before = reviews();
    send(FakeKubernetesApi.EXPIRED, "k8s-node-c").then().statusCode(201);
    send(FakeKubernetesApi.EXPIRED, "k8s-node-c").then().statusCode(200);
    int first = reviews() - before;
    send(FakeKubernetesApi.EXPIRED, "k8s-node-c").then().statusCode(200);
    // each request is reviewed anew (a report asks for its caller more than once): never cached
    org.junit.jupiter.api.Assertions.assertTrue(
        first >= 2 && reviews() - before > first,
        "reviews: " + first + ", " + (reviews() - before));
  }

  @Test
  void anApiServerThatWillNotReviewIsA503() throws Exception {
    mode("forbidden");
    try {
      send(FakeKubernetesApi.NODE_B, "k8s-node-b")
          .then()
          .statusCode(503)
          .header("Retry-After", "5")
          .body("detail", containsString("cannot check this token now"));
    } finally {
      mode("normal");
    }
    send(FakeKubernetesApi.NODE_B, "k8s-node-b").then().statusCode(201);
  }

  /**
   * A Kubernetes-shaped token the API server does not approve is refused before the report's body
   * is read: the review runs in the body gate (it passed there on its shape alone before, so forged
   * ones could fill the body budget). Each request sends its head only.
   */
  @Test
  void aTokenTheApiServerRefusesNeverHasItsBodyRead() throws Exception {
    for (String token :
        List.of(
            FakeKubernetesApi.FORGED,
            FakeKubernetesApi.OTHER_ACCOUNT,
            FakeKubernetesApi.NO_NODE,
            FakeKubernetesApi.OTHER_AUDIENCE)) {
      dev.fabricscope.testing.RawHttp.Answer a =
          dev.fabricscope.testing.RawHttp.headOnly(
              io.restassured.RestAssured.port,
              "POST",
              "/api/v1/reports",
              "Content-Type: application/json\r\nAuthorization: Bearer " + token,
              10_000_000);
      assertEquals(401, a.status(), a.body());
    }
  }

  private static io.restassured.response.Response send(String token, String host) throws Exception {
    String report =
        new String(ApiClient.resource("valid-report.json"), StandardCharsets.UTF_8)
            .replace("corpus-host", host);
    return ApiClient.sendReport(token, report.getBytes(StandardCharsets.UTF_8));
  }

  private static void refused(String token, String reason) throws Exception {
    send(token, "k8s-node-a")
        .then()
        .statusCode(401)
        .contentType("application/problem+json")
        .body("detail", containsString(reason));
  }

  private int reviews() throws Exception {
    return Integer.parseInt(get("/calls", "GET"));
  }

  private void mode(String m) throws Exception {
    get("/mode/" + m, "POST");
  }

  private String get(String path, String method) throws Exception {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create(apiServer + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
    return HttpClient.newHttpClient().send(r, HttpResponse.BodyHandlers.ofString()).body();
  }
}
