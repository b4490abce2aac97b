package dev.fabricscope.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A token the HTTP client refuses as a header value (fourteenth security review, finding 1): each
 * request is a failed one to retry, nothing is thrown, and no message carries the header value.
 * {@link TokenFile} keeps such tokens out; this is the second line.
 */
class UnbuildableRequestTest {

  // never reached: the requests fail while they are built
  private static final URI SERVER = URI.create("http://127.0.0.1:9");

  private static void assertFailedWithoutToken(String detail, int status, String token) {
    assertEquals(0, status);
    assertEquals(Sender.UNBUILT, detail);
    assertFalse(detail.contains(token.strip()));
  }

  private static void assertEveryRequestFails(String token) {
    for (boolean gzip : new boolean[] {false, true}) {
      Sender s = new Sender(SERVER, Map.of(), () -> token, Duration.ofSeconds(1), gzip);
      Sender.Response r = s.postReport("{}".getBytes(StandardCharsets.UTF_8));
      assertEquals(Sender.Kind.RETRY, r.kind());
      assertFailedWithoutToken(r.detail(), r.status(), token);
      r = s.heartbeat("h1", "00");
      assertEquals(Sender.Kind.RETRY, r.kind());
      assertFailedWithoutToken(r.detail(), r.status(), token);
    }
    JobClient c = new JobClient(SERVER, "h1", () -> token, Duration.ofSeconds(1));
    for (JobClient.Answer a :
        new JobClient.Answer[] {c.putCapabilities("[]"), c.poll(1), c.event(7, "{}")}) {
      assertEquals(JobClient.Kind.RETRY, a.kind());
      assertFailedWithoutToken(a.detail(), a.status(), token);
    }
  }

  private static boolean clientRefuses(String token) {
    try {
      HttpRequest.newBuilder(SERVER).header("Authorization", "Bearer " + token);
      return false;
    } catch (IllegalArgumentException e) {
      return true;
    }
  }

  /** The review's cases. */
  @Test
  void aTokenWithACarriageReturnNulOrBomFailsTheRequestQuietly() {
    for (String token :
        new String[] {"SECRET\rdef", "SECRET\0def", "\uFEFFSECRET-rotated", "SECRET\ndef"}) {
      assertTrue(clientRefuses(token), token);
      assertEveryRequestFails(token);
    }
  }

  @Test
  void generatedTokensTheClientRefusesNeverEscape() {
    Random rnd = new Random(6750);
    int refused = 0;
    for (int i = 0; i < 400; i++) {
      StringBuilder b = new StringBuilder("SECRET");
      for (int j = 0; j < 4; j++) {
        b.append((char) rnd.nextInt(rnd.nextBoolean() ? 0x80 : 0x3000));
      }
      if (clientRefuses(b.toString())) {
        refused++;
        assertEveryRequestFails(b.toString());
      }
    }
    assertTrue(refused > 100, "enough refused cases: " + refused);
  }
}
