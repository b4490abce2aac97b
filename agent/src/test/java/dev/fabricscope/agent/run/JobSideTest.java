package dev.fabricscope.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.agent.bandwidth.JobAssignment;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

/**
 * A job side's log when the server says the test is over: the state it names is the server's text,
 * so it is logged as one escaped, bounded line (a 409 once carried a forged log line through it).
 */
class JobSideTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theStateOfAnOverJobIsLoggedOnOneLine() throws Exception {
    RecordingHelper helper = new RecordingHelper();
    helper.blockUntilCancelled = true;
    String state = "passed\n2026-01-01T00:00:00.000Z job 1 result status=200 FORGED LINE\r\n";
    var over = JSON.createObjectNode().put("status", 409).put("state", state + "z".repeat(1000));
    JobSide.Events events =
        (id, json) ->
            json.contains("\"progress\"")
                ? JobClient.answer(409, over.toString())
                : JobClient.answer(200, "{\"jobId\":1,\"state\":\"running\"}");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
    try {
      new JobSide(
              JobAssignment.parse(JSON.readTree(JobLoopTest.MEMCPY)),
              Optional.of(helper),
              events,
              ticks,
              Duration.ofMillis(50),
              new AgentLog(new PrintStream(log, true, StandardCharsets.UTF_8)))
          .run();
    } finally {
      ticks.shutdownNow();
    }
    assertTrue(helper.sawCancel, "the over cancelled the helper");
    List<String> lines = log.toString(StandardCharsets.UTF_8).lines().toList();
    String stopping =
        lines.stream().filter(l -> l.contains("is over on the server")).findFirst().orElseThrow();
    assertTrue(
        stopping.endsWith(
            " job 1 is over on the server (passed\\x0a2026-01-01T00:00:00.000Z job 1...):"
                + " stopping"),
        stopping);
    assertEquals(
        0, lines.stream().filter(l -> l.startsWith("2026-01-01")).count(), lines::toString);
  }
}
