package dev.fabricscope.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.BandwidthClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every answer that can be megabytes is answered as a whole report ({@link WholeReports}: a place,
 * a pace, gzip as stored): the fifteenth security review held 6.6 MB graphs of a host of 20,000
 * functions to clients that did not read, 7 MB of heap each until the idle timeout, and ran the
 * server out of heap in 45 s; the sixteenth held the P2P matrix, predictions and plan comparisons
 * the same way. The graph, the diff, the matrix, the predictions, a plan version's graph and
 * prediction, a plan comparison and a plan preview of the DGX-2 (the hwloc fixture) each come
 * gzip-coded to a client that accepts it, the same JSON as the text, and count against the caller's
 * places.
 */
@QuarkusTest
class LargeAnswersTest {

  @Test
  void graphDiffPlanGraphAndPreviewAreWholeAnswers() throws Exception {
    String host = BandwidthClient.hostName("large-dgx2");
    String operator = ApiClient.token(BandwidthClient.hostName("large-op"), "operator", null);
    ApiClient.importFixture(operator, "hwloc-xml/nvidiaDGX2.xml", host);
    long plan = ApiClient.createPlan(operator, host, "large answers");
    String base = "/api/v1/hosts/" + host;
    for (String path :
        List.of(
            base + "/graph",
            base + "/graph?platform=true",
            base + "/diff",
            "/api/v1/plans/" + plan + "/versions/1/graph",
            // sixteenth security review: megabytes each for a large host, not paced before
            base + "/p2p",
            base + "/prediction",
            base + "/prediction?pattern=gpu-all-to-all",
            "/api/v1/plans/" + plan + "/versions/1/prediction",
            "/api/v1/plans/" + plan + "/compare?version=1")) {
      sameJsonEitherWay(operator, "GET", path);
    }
    sameJsonEitherWay(operator, "POST", "/api/v1/plans/" + plan + "/preview");
  }

  private static void sameJsonEitherWay(String token, String method, String path) throws Exception {
    var text = send(token, method, path, false);
    var gzip = send(token, method, path, true);
    assertEquals(200, text.statusCode(), path + ": " + new String(text.body()));
    assertEquals(200, gzip.statusCode(), path);
    assertEquals("gzip", gzip.headers().firstValue("Content-Encoding").orElse(""), path);
    assertEquals("", text.headers().firstValue("Content-Encoding").orElse(""), path);
    for (var answer : List.of(text, gzip)) {
      assertEquals("Accept-Encoding", answer.headers().firstValue("Vary").orElse(""), path);
      assertTrue(
          answer.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
          path);
    }
    String json = new String(text.body(), StandardCharsets.UTF_8);
    assertTrue(json.startsWith("{"), path + ": " + json.substring(0, Math.min(80, json.length())));
    assertEquals(json, GzipJson.text(gzip.body()), path + ": the same JSON");
  }

  private static HttpResponse<byte[]> send(String token, String method, String path, boolean gzip)
      throws Exception {
    var request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + RestAssured.port + path))
            .header("Authorization", "Bearer " + token)
            .method(
                method,
                method.equals("POST")
                    ? HttpRequest.BodyPublishers.ofString("{\"edits\":[]}")
                    : HttpRequest.BodyPublishers.noBody());
    if (method.equals("POST")) {
      request.header("Content-Type", "application/json");
    }
    if (gzip) {
      request.header("Accept-Encoding", "gzip");
    }
    return HttpClient.newHttpClient()
        .send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
