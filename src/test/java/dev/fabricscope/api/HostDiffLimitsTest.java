package dev.fabricscope.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.testing.ApiClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /hosts/{host}/diff} reads and parses two whole snapshots (a review: seconds of CPU per
 * request, no cache, no bound): a repeated diff is served from the cache, and diffs beyond the
 * shared slots of {@link P2pMatrices} get 503 with Retry-After.
 */
@QuarkusTest
class HostDiffLimitsTest {

  @Inject SnapshotDiffs diffs;
  @Inject P2pMatrices matrices;

  @Test
  void aRepeatedDiffIsServedFromTheCacheAndDiffsBeyondTheSlotsAre503() throws Exception {
    String operator = ApiClient.token("diff-op-" + System.nanoTime(), "operator", null);
    String host = "diff-limits-" + System.nanoTime();
    ApiClient.importFixture(operator, "sysfs/qemu-rig-plain.tar.gz", host);
    ApiClient.importFixture(operator, "sysfs/qemu-rig-iommu.tar.gz", host);

    int before = diffs.computed();
    byte[] first = diff(operator, host, null).then().statusCode(200).extract().asByteArray();
    assertEquals(before + 1, diffs.computed());
    long to = ((Number) snapshotIds(operator, host).get(0)).longValue();
    long from = ((Number) snapshotIds(operator, host).get(1)).longValue();
    byte[] again =
        diff(operator, host, "?from=" + from + "&to=" + to)
            .then()
            .statusCode(200)
            .extract()
            .asByteArray();
    assertArrayEquals(first, again, "the same diff, named by its ids");
    assertEquals(before + 1, diffs.computed(), "served from the cache");

    // every slot taken: a diff not cached yet waits p2p.wait, then 503; a cached one still answers
    int held = matrices.slots().holdAll();
    try {
      List<CompletableFuture<io.restassured.response.Response>> parallel = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        parallel.add(
            CompletableFuture.supplyAsync(
                () -> diff(operator, host, "?from=" + to + "&to=" + from)));
      }
      for (var f : parallel) {
        f.get(30, TimeUnit.SECONDS)
            .then()
            .statusCode(503)
            .header("Retry-After", "5")
            .contentType(containsString("application/problem+json"));
      }
      diff(operator, host, null).then().statusCode(200);
    } finally {
      matrices.slots().giveBack(held);
    }
    assertTrue(held >= 1);
    assertEquals(before + 1, diffs.computed(), "nothing read without a slot");
    diff(operator, host, "?from=" + to + "&to=" + from).then().statusCode(200);
    assertEquals(before + 2, diffs.computed());
  }

  static io.restassured.response.Response diff(String token, String host, String query) {
    return given()
        .auth()
        .oauth2(token)
        .get("/api/v1/hosts/" + host + "/diff" + (query == null ? "" : query));
  }

  static List<Object> snapshotIds(String token, String host) {
    return given()
        .auth()
        .oauth2(token)
        .get("/api/v1/hosts/" + host + "/snapshots")
        .then()
        .statusCode(200)
        .extract()
        .path("id");
  }
}
