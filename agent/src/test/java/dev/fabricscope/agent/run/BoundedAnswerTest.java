package dev.fabricscope.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a hostile server (or a man in the middle of the chart's plain-HTTP default) can send the
 * agent: a body without end once ran it out of heap, a trickled one held its loop forever. Now an
 * answer over 1 MiB is refused with its connection closed, the whole exchange has a deadline, and
 * answers of the sizes the server gives are read as before. Each case through the job client and
 * the report sender, against a real server on 127.0.0.1.
 */
class BoundedAnswerTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  private static final long ENDLESS = 64L << 20; // what a server writes before it gives up

  private static JobClient jobs(HostileServer s) {
    return new JobClient(s.uri(), "node-1", () -> "t", TIMEOUT);
  }

  private static Sender sender(HostileServer s) {
    return new Sender(s.uri(), Map.of(), () -> "t", TIMEOUT, false);
  }

  /** A JSON object of exactly {@code size} bytes. */
  private static byte[] json(int size) {
    byte[] b = new byte[size];
    Arrays.fill(b, (byte) 'x');
    byte[] head = "{\"jobId\":1,\"pad\":\"".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(head, 0, b, 0, head.length);
    b[size - 2] = '"';
    b[size - 1] = '}';
    return b;
  }

  @Test
  void anEndlessChunkedBodyIsRefusedAndItsConnectionClosed() throws Exception {
    try (HostileServer s = HostileServer.streaming(0, 64 * 1024, 0, ENDLESS)) {
      JobClient.Answer a = jobs(s).poll(0);
      assertEquals(JobClient.Kind.RETRY, a.kind());
      assertEquals("answer (status 200) larger than 1048576 bytes: refused", a.detail());
      assertTrue(s.streamEndsWithin(10), "the server still writes");
      assertTrue(s.sent.get() < ENDLESS / 2, s.sent.get() + " bytes went out");
    }
  }

  @Test
  void aDeclaredLengthOverTheLimitIsRefusedBeforeItsBodyIsRead() throws Exception {
    try (HostileServer s = HostileServer.streaming(3L << 30, 64 * 1024, 0, ENDLESS)) {
      Sender.Response r = sender(s).postReport("{}".getBytes(StandardCharsets.UTF_8));
      assertEquals(Sender.Kind.RETRY, r.kind());
      assertEquals("answer (status 200) larger than 1048576 bytes: refused", r.detail());
      assertTrue(s.streamEndsWithin(10), "the server still writes");
      assertTrue(s.sent.get() < ENDLESS / 2, s.sent.get() + " bytes went out");
    }
  }

  @Test
  void aTrickledBodyMeetsTheDeadlineOfTheWholeExchange() throws Exception {
    // 1,000 bytes at one per 50 ms: 50 s, while the headers came at once
    try (HostileServer s = HostileServer.streaming(1000, 1, 50, 1000)) {
      long t0 = System.nanoTime();
      JobClient.Answer a = jobs(s).poll(0);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(JobClient.Kind.RETRY, a.kind(), a.detail());
      assertEquals("timeout (no complete answer in time)", a.detail());
      assertTrue(ms < 5000, ms + " ms");
      assertTrue(s.streamEndsWithin(10), "the exchange was left open");
    }
    try (HostileServer s = HostileServer.streaming(0, 1, 50, 1000)) {
      long t0 = System.nanoTime();
      Sender.Response r = sender(s).heartbeat("node-1", "ab");
      assertEquals(Sender.Kind.RETRY, r.kind(), r.detail());
      assertTrue((System.nanoTime() - t0) / 1_000_000 < 5000);
    }
  }

  @Test
  void aBodyOfExactlyTheLimitIsReadAndOneByteMoreIsNot() throws Exception {
    try (HostileServer s = HostileServer.answering(200, json(BoundedAnswer.MAX_BYTES))) {
      JobClient.Answer a = jobs(s).poll(0);
      assertEquals(JobClient.Kind.OK, a.kind(), a.detail());
      assertEquals(BoundedAnswer.MAX_BYTES - 20, a.body().get("pad").asText().length());
    }
    try (HostileServer s = HostileServer.answering(200, json(BoundedAnswer.MAX_BYTES + 1))) {
      JobClient.Answer a = jobs(s).poll(0);
      assertEquals(JobClient.Kind.RETRY, a.kind());
      assertNull(a.body());
      assertTrue(a.detail().contains("larger than 1048576 bytes"), a.detail());
    }
  }

  /** The answers the server really gives, read as they always were. */
  @Test
  void theServersOwnAnswersAreReadAsBefore() throws Exception {
    String assignment = new String(json(4096), StandardCharsets.UTF_8);
    try (HostileServer s = HostileServer.answering(200, assignment)) {
      JobClient.Answer a = jobs(s).poll(0);
      assertEquals(JobClient.Kind.OK, a.kind());
      assertEquals(1, a.body().get("jobId").asInt());
    }
    try (HostileServer s = HostileServer.answering(204, "")) {
      assertEquals(JobClient.Kind.NONE, jobs(s).poll(0).kind());
    }
    try (HostileServer s =
        HostileServer.answering(
            409, "{\"status\":409,\"cancelled\":true,\"state\":\"cancelled\"}")) {
      JobClient.Answer a = jobs(s).event(1, "{}");
      assertEquals(JobClient.Kind.OVER, a.kind());
      assertTrue(a.cancelled());
      assertEquals("cancelled", a.state());
    }
    try (HostileServer s =
        HostileServer.answering(
            201, "{\"snapshotId\":5,\"outcome\":\"CREATED\",\"host\":\"node-1\"}")) {
      Sender.Response r = sender(s).postReport("{}".getBytes(StandardCharsets.UTF_8));
      assertEquals(Sender.Kind.OK, r.kind());
      assertEquals("CREATED snapshot=5", r.detail());
      assertEquals("node-1", r.host());
    }
    try (HostileServer s =
        HostileServer.answering(422, "{\"title\":\"Invalid report\",\"detail\":\"no host\"}")) {
      Sender.Response r = sender(s).postReport("{}".getBytes(StandardCharsets.UTF_8));
      assertEquals(Sender.Kind.REJECTED, r.kind());
      assertEquals("Invalid report: no host", r.detail());
    }
  }
}
