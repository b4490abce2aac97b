package dev.fabricscope.agent.run;

import static dev.fabricscope.agent.run.JobLoopTest.MEMCPY;
import static dev.fabricscope.agent.run.JobLoopTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.agent.bandwidth.BandwidthHelper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The job loop against a server that means harm (the agent review): a problem detail that would
 * forge a log line and an answer too large to hold. Neither crashes the loop.
 */
class JobLoopHostileServerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  FakeJobServer server;
  RecordingHelper helper;
  JobLoop loop;
  Thread thread;
  ByteArrayOutputStream logBytes = new ByteArrayOutputStream();

  @BeforeEach
  void start() throws Exception {
    server = new FakeJobServer();
    helper = new RecordingHelper();
    List<BandwidthHelper> helpers = List.of(helper);
    loop =
        new JobLoop(
            new JobClient(server.uri(), "node-1", () -> "agent-token", Duration.ofSeconds(5)),
            helpers,
            kind -> helper.handles(kind) ? Optional.of(helper) : Optional.empty(),
            new Backoff(Duration.ofMillis(10), Duration.ofMillis(50)),
            Duration.ofMillis(100),
            new AgentLog(new PrintStream(logBytes, true, StandardCharsets.UTF_8)));
    thread = new Thread(loop::run, "job-loop-hostile-test");
    thread.start();
  }

  @AfterEach
  void stop() throws Exception {
    loop.stop();
    thread.join(5000);
    server.close();
  }

  private String log() {
    return logBytes.toString(StandardCharsets.UTF_8);
  }

  /** The review's repro: a 500 whose detail holds a line feed and a forged log line. */
  @Test
  void aPollProblemThatWouldForgeALogLineIsLoggedOnOneLine() throws Exception {
    String detail = "boom\n2026-01-01T00:00:00.000Z job 1 result status=200 FORGED LINE\r\nsecond";
    byte[] body =
        JSON.createObjectNode().put("detail", detail).toString().getBytes(StandardCharsets.UTF_8);
    server.rawPolls.add(Map.entry(500, body));
    waitFor(() -> log().contains("FORGED"));
    List<String> lines = log().lines().toList();
    assertEquals(0, lines.stream().filter(l -> l.startsWith("2026-01-01")).count(), log());
    String poll = lines.stream().filter(l -> l.contains("FORGED")).findFirst().orElseThrow();
    assertTrue(poll.contains(" jobs: poll status=500 : boom\\x0a2026-01-01T00:00:00.000Z"), poll);
    assertTrue(poll.contains("FORGED LINE\\x0d\\x0asecond retry-in="), poll);
  }

  /** An assignment too large to hold is refused; the agent lives and takes the next one. */
  @Test
  void anOversizedPollAnswerIsRefusedAndTheLoopGoesOn() throws Exception {
    byte[] huge = new byte[BoundedAnswer.MAX_BYTES * 3];
    Arrays.fill(huge, (byte) ' ');
    server.rawPolls.add(Map.entry(200, huge));
    waitFor(() -> log().contains("larger than 1048576 bytes: refused"));
    server.assignments.add(MEMCPY);
    waitFor(() -> helper.calls.size() == 1);
    assertTrue(thread.isAlive());
  }
}
