package dev.fabricscope.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.testing.ApiClient;
import dev.fabricscope.testing.RawHttp;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The bodies read at once fit {@code fabricscope.request-body-budget}: one more is a 503 with
 * Retry-After before it is read, and what a body reserved comes back when its exchange ends, a
 * dropped connection included (sixth security review: 16 parallel 60 MB bodies ran the heap out).
 */
@QuarkusTest
@TestProfile(BodyBudgetTest.Small.class)
class BodyBudgetTest {

  /** The smallest budget allowed: one largest import. */
  public static class Small implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("fabricscope.request-body-budget", Long.toString(64L << 20));
    }
  }

  @Inject BodyBudget budget;

  private static Socket startImport(String token, long declared) throws Exception {
    Socket s = new Socket("127.0.0.1", RestAssured.port);
    OutputStream out = s.getOutputStream();
    out.write(
        ("POST /api/v1/imports HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + token
                + "\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                + declared
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.write(new byte[4096]); // a start of the body, the rest held back
    out.flush();
    return s;
  }

  private void waitFor(long inUse) throws InterruptedException {
    for (int i = 0; i < 200 && budget.inUse() != inUse; i++) {
      Thread.sleep(25);
    }
    assertEquals(inUse, budget.inUse());
  }

  @Test
  void aBodyBeyondTheBudgetIsRefusedUnreadAndTheBudgetComesBack() throws Exception {
    String operator = ApiClient.token("budget-operator", "operator", null);
    String other = ApiClient.token("budget-operator-2", "operator", null);
    waitFor(0);
    try (Socket held = startImport(operator, 60L << 20)) {
      waitFor(60L << 20);
      RawHttp.Answer refused =
          RequestBodyGateTest.headOnly("POST", "/api/v1/imports", other, 10L << 20);
      assertEquals(503, refused.status(), refused.body());
      assertEquals("5", refused.headers().get("retry-after"));
      assertTrue(refused.body().contains("as many request bodies"), refused.body());
    }
    waitFor(0); // the dropped upload gave its place back
  }

  /**
   * One sender holds at most its share (seventh security review: nine trickled uploads of one
   * viewer token held the whole budget): an operator's second large body is a 429, unread.
   */
  @Test
  void oneSenderHoldsAtMostItsShare() throws Exception {
    String operator = ApiClient.token("budget-share", "operator", null);
    waitFor(0);
    try (Socket held = startImport(operator, 40L << 20)) {
      waitFor(40L << 20);
      RawHttp.Answer refused =
          RequestBodyGateTest.headOnly("POST", "/api/v1/imports", operator, 30L << 20);
      assertEquals(429, refused.status(), refused.body());
      assertEquals("5", refused.headers().get("retry-after"));
      assertTrue(refused.body().contains("its share of 68157440"), refused.body());
      assertEquals(40L << 20, budget.inUse());
    }
    waitFor(0);
  }

  @Test
  void generatedUploadsNeverHoldMoreThanTheBudget() throws Exception {
    String operator = ApiClient.token("budget-many", "operator", null);
    String other = ApiClient.token("budget-many-2", "operator", null);
    Random random = new Random(6);
    waitFor(0);
    for (int round = 0; round < 6; round++) {
      long first = (1 + random.nextInt(63)) << 20;
      try (Socket held = startImport(operator, first)) {
        waitFor(first);
        long next = (1 + random.nextInt(63)) << 20;
        if (first + next > budget.capacity()) {
          RawHttp.Answer a = RequestBodyGateTest.headOnly("POST", "/api/v1/imports", other, next);
          assertEquals(503, a.status(), first + " + " + next + ": " + a.body());
        } else {
          // let through: it reserves its bytes while its body comes, and gives them back
          try (Socket second = startImport(other, next)) {
            waitFor(first + next);
          }
          waitFor(first);
        }
        assertTrue(budget.inUse() <= budget.capacity(), "in use " + budget.inUse());
      }
      waitFor(0);
    }
  }
}
