package dev.fabricscope.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.testing.ApiClient;

/** Runs a test step while every {@code /p2p} slot is taken, as a server busy with big views is. */
public final class SlotsHeld {

  private SlotsHeld() {}

  /** Asserts that {@code path}, read as an admin, is busy: a 503 problem with Retry-After. */
  static void busy(String path) {
    given()
        .auth()
        .oauth2(ApiClient.ADMIN)
        .get(path)
        .then()
        .statusCode(503)
        .contentType("application/problem+json")
        .header("Retry-After", notNullValue());
  }

  /** Takes every free slot of {@code matrices}, for no computation; returns how many. */
  public static int holdAll(P2pMatrices matrices) {
    return matrices.slots().holdAll();
  }

  /** Gives back {@code n} slots {@link #holdAll} took. */
  public static void giveBack(P2pMatrices matrices, int n) {
    matrices.slots().giveBack(n);
  }

  /** Takes every free slot of {@code matrices}, runs {@code step}, gives them back. */
  static void during(P2pMatrices matrices, Runnable step) {
    int held = matrices.slots().holdAll();
    assertTrue(held > 0, "no slot was free to take");
    try {
      step.run();
    } finally {
      matrices.slots().giveBack(held);
    }
  }
}
