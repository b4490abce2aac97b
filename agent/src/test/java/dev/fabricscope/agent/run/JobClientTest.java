package dev.fabricscope.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.text.TerminalText;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What of a server's answer reaches the agent's log: the problem's title and detail ({@link
 * JobClient.Answer#detail}) and a finished job's state ({@link JobClient.Answer#state}), each one
 * escaped line, bounded, whatever the server put in them. Size and deadline: {@link
 * BoundedAnswerTest}.
 */
class JobClientTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final String FORGED =
      "boom\n2026-01-01T00:00:00.000Z job 1 result status=200 FORGED LINE\r\nsecond";

  private static JobClient.Answer poll(int status, String body) throws Exception {
    try (HostileServer s = HostileServer.answering(status, body)) {
      return new JobClient(s.uri(), "node-1", () -> "t", Duration.ofSeconds(5)).poll(0);
    }
  }

  private static String problem(String title, String detail) {
    return JSON.createObjectNode().put("title", title).put("detail", detail).toString();
  }

  @Test
  void aProblemDetailThatWouldForgeALogLineIsOneEscapedLine() throws Exception {
    JobClient.Answer a = poll(500, problem("Internal", FORGED));
    assertEquals(JobClient.Kind.RETRY, a.kind());
    assertEquals(
        "Internal: boom\\x0a2026-01-01T00:00:00.000Z job 1 result status=200 FORGED LINE"
            + "\\x0d\\x0asecond",
        a.detail());
    JobClient.Answer refused = poll(403, problem("Internal", FORGED));
    assertEquals(JobClient.Kind.REJECTED, refused.kind());
    assertEquals(a.detail(), refused.detail());
  }

  @Test
  void aLongDetailIsCutTo200Characters() throws Exception {
    JobClient.Answer a = poll(500, problem("T", "x".repeat(100_000)));
    assertEquals(203, a.detail().length());
    assertTrue(a.detail().endsWith("..."));
  }

  @Test
  void theStateOfAnOverJobIsOneShortEscapedLine() throws Exception {
    String body =
        JSON.createObjectNode()
            .put("status", 409)
            .put("cancelled", false)
            .put("state", "passed\n2026-01-01T00:00:00.000Z FORGED" + "y".repeat(10_000))
            .toString();
    JobClient.Answer a;
    try (HostileServer s = HostileServer.answering(409, body)) {
      a = new JobClient(s.uri(), "node-1", () -> "t", Duration.ofSeconds(5)).event(1, "{}");
    }
    assertEquals(JobClient.Kind.OVER, a.kind());
    assertEquals("passed\\x0a2026-01-01T00:00:00.000Z FORGE...", a.state());
  }

  /** Random titles, details and states full of control characters: never a second line. */
  @Test
  void generatedServerTextNeverLeavesItsLine() {
    Random rnd = new Random(20261208);
    char[] controls = {'\n', '\r', '\t', 0, 0x1b, 0x7f, 0x85, 0x9b, 0x2028, 0x2029, 0x202e};
    for (int i = 0; i < 5_000; i++) {
      String title = random(rnd, controls);
      String detail = random(rnd, controls);
      var body =
          JSON.createObjectNode()
              .put("title", title)
              .put("detail", detail)
              .put("state", random(rnd, controls));
      int status = rnd.nextBoolean() ? 409 : 400 + rnd.nextInt(200);
      JobClient.Answer a = JobClient.answer(status, body.toString());
      for (String logged : new String[] {a.detail(), a.state()}) {
        assertTrue(logged.length() <= 203, logged);
        for (char c : logged.toCharArray()) {
          assertFalse(
              TerminalText.steers(c) || c < 0x20 || c == 0x2028 || c == 0x2029,
              "U+" + Integer.toHexString(c) + " in " + logged);
        }
      }
    }
  }

  private static String random(Random rnd, char[] controls) {
    StringBuilder b = new StringBuilder();
    for (int j = rnd.nextInt(400); j > 0; j--) {
      b.append(
          rnd.nextInt(3) == 0
              ? controls[rnd.nextInt(controls.length)]
              : (char) rnd.nextInt(0x3000));
    }
    return b.toString();
  }
}
