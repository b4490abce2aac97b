package dev.fabricscope.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

/**
 * How an answer and a failed exchange read in the agent's log (size and deadline: {@link
 * BoundedAnswerTest}). A server stopping mid-request once read as {@code IOException: HTTP/1.1
 * header parser received no bytes}, which {@code RunAgentIT} took for an unexpected exception now
 * and then, depending on when its fake server stopped.
 */
class SenderTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theOutagesAnAgentMeetsAreNamed() {
    assertEquals("connection refused", Sender.describe(new ConnectException("x")));
    assertEquals("timeout", Sender.describe(new HttpTimeoutException("x")));
    assertEquals("aborted", Sender.describe(new CancellationException()));
    for (IOException closed :
        new IOException[] {
          new IOException("HTTP/1.1 header parser received no bytes"),
          new SocketException("Connection reset"),
          new EOFException("EOF reached while reading"),
        }) {
      assertEquals("connection closed before an answer", Sender.describe(closed));
    }
    assertEquals("IOException: disk full", Sender.describe(new IOException("disk full")));
  }

  private static Sender.Response post(int status, String body) throws Exception {
    try (HostileServer s = HostileServer.answering(status, body)) {
      return new Sender(s.uri(), Map.of(), () -> "t", Duration.ofSeconds(5), false)
          .postReport("{}".getBytes(StandardCharsets.UTF_8));
    }
  }

  /** The run loop logs a refusal's title and detail: one escaped line, never a forged second. */
  @Test
  void aProblemDetailThatWouldForgeALogLineIsOneEscapedLine() throws Exception {
    String problem =
        JSON.createObjectNode()
            .put("title", "Bad\u001b[2J")
            .put("detail", JobClientTest.FORGED)
            .toString();
    Sender.Response r = post(422, problem);
    assertEquals(Sender.Kind.REJECTED, r.kind());
    assertEquals(
        "Bad\\x1b[2J: boom\\x0a2026-01-01T00:00:00.000Z job 1 result status=200 FORGED LINE"
            + "\\x0d\\x0asecond",
        r.detail());
    // a body that is no JSON at all is the detail itself, the same way
    assertEquals("boom\\x0asecond", post(502, "boom\nsecond").detail());
    assertEquals(203, post(502, "z".repeat(5000)).detail().length());
  }

  /** An acknowledgement's outcome and host are logged too (and the host sent in heartbeats). */
  @Test
  void anAcknowledgementsOutcomeIsEscapedAndAHostNameMustBeOne() throws Exception {
    Sender.Response r =
        post(201, "{\"snapshotId\":5,\"outcome\":\"CREATED\\nFORGED\",\"host\":\"a\\nb\"}");
    assertEquals(Sender.Kind.OK, r.kind());
    assertEquals("CREATED\\x0aFORGED snapshot=5", r.detail());
    assertNull(r.host(), "not a host name");
    assertNull(post(201, "{\"outcome\":\"CREATED\",\"host\":\"" + "h".repeat(300) + "\"}").host());
    assertEquals("node-1.example", post(201, "{\"host\":\"node-1.example\"}").host());
  }

  @Test
  void describedFailuresAreOneLineToo() {
    assertEquals("IOException: disk\\x0afull", Sender.describe(new IOException("disk\nfull")));
    assertEquals(
        "answer (status 200) larger than 1048576 bytes: refused",
        Sender.describe(
            new java.util.concurrent.ExecutionException(
                new IOException(new BoundedAnswer.TooLarge(200, 1 << 20)))));
  }
}
