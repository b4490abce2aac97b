package dev.fabricscope.agent.run;

import static dev.fabricscope.agent.run.JobLoopTest.MEMCPY;
import static dev.fabricscope.agent.run.JobLoopTest.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.agent.bandwidth.PeerNetworks;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Polls that come to nothing are paced. A server that answers every poll with an assignment that
 * comes to nothing (eighth review, finding 5): before the fix about ten polls, refusals and log
 * lines a second. A server (or proxy) that answers "no work" at once instead of holding the poll:
 * before the fix as many polls a second as the loop could make. The loop here has the agent's own
 * backoff (one second, doubling up to a minute).
 */
class JobLoopRefusalPacingTest {

  static final String BOGUS = MEMCPY.replace("\"host-memcpy\"", "\"bogus\"");

  FakeJobServer server;
  RecordingHelper helper;
  JobLoop loop;
  Thread thread;
  ByteArrayOutputStream logBytes = new ByteArrayOutputStream();

  @BeforeEach
  void start() throws Exception {
    server = new FakeJobServer();
    helper = new RecordingHelper();
    loop =
        server.loopFor(
            helper,
            new Backoff(Duration.ofSeconds(1), JobLoop.MAX_RETRY),
            new AgentLog(new PrintStream(logBytes, true, StandardCharsets.UTF_8)),
            PeerNetworks.local(List.of()));
    thread = new Thread(loop::run, "job-loop-pacing-test");
  }

  @AfterEach
  void stop() throws Exception {
    loop.stop();
    thread.join(5000);
    server.close();
  }

  private List<Long> gaps() {
    List<Long> t = server.pollTimes;
    return java.util.stream.IntStream.range(1, t.size())
        .mapToObj(i -> (t.get(i) - t.get(i - 1)) / 1_000_000)
        .toList();
  }

  private List<String> log(String containing) {
    return logBytes
        .toString(StandardCharsets.UTF_8)
        .lines()
        .filter(l -> l.contains(containing))
        .toList();
  }

  @Test
  void aRefusedAssignmentOnEveryPollIsPolledForAFewTimesAndLoggedOnce() throws Exception {
    server.everyPoll = BOGUS;
    thread.start();
    Thread.sleep(3500);
    // pauses of 1 s and 2 s after the first two refusals: three polls, four at the most
    assertTrue(server.pollTimes.size() <= 4, "polls in 3.5 s: " + server.pollTimes.size());
    assertTrue(server.pollTimes.size() >= 2, "it keeps polling: " + server.pollTimes.size());
    assertEquals(1, log("unknown kind 'bogus'").size(), log("bogus").toString());
    assertEquals(List.of(), helper.calls);
  }

  @Test
  void aSideThatFailsAtOnceOnEveryPollIsPacedToo() throws Exception {
    // the helper fails at once (as a memory budget refusal does): an error event each time
    server.everyPoll = MEMCPY.replace("\"repetitions\":3", "\"repetitions\":7");
    thread.start();
    Thread.sleep(3500);
    // the side fails on its own thread, so the loop may poll once or twice more before it sees
    // that (unpaced: hundreds of polls)
    assertTrue(
        server.pollTimes.size() <= 10,
        "polls in 3.5 s: " + server.pollTimes.size() + " " + gaps() + "\n" + log(""));
    assertTrue(helper.calls.size() <= 10, "sides in 3.5 s: " + helper.calls.size());
    assertEquals(1, log("error: membw: node 1 has no memory").size());
  }

  @Test
  void aServerThatAnswersNoWorkAtOnceIsPolledForAFewTimes() throws Exception {
    // a proxy that does not hold long polls, or a hostile server: 204 at once
    server.quietPollMillis = 0;
    thread.start();
    Thread.sleep(3500);
    // pauses of 1 s and 2 s after the first two quick 204s: three polls, four at the most
    // (unpaced: thousands)
    assertTrue(server.pollTimes.size() <= 4, "polls in 3.5 s: " + server.pollTimes.size());
    assertTrue(server.pollTimes.size() >= 2, "it keeps polling: " + server.pollTimes.size());
    assertTrue(gaps().get(0) >= 900, "first pause " + gaps());
  }

  @Test
  void aHeldNoWorkIsPolledAgainAtOnceAndWorkAfterQuickOnesRunsWithoutAPause() throws Exception {
    thread.start();
    // held polls (1.2 s each here): the next poll follows at once
    waitFor(() -> server.pollTimes.size() >= 3);
    for (long gap : gaps()) {
      assertTrue(gap < server.quietPollMillis + 600, "held polls " + gaps());
    }
    server.quietPollMillis = 0;
    int quickFrom = server.pollTimes.size();
    waitFor(() -> server.pollTimes.size() >= quickFrom + 2);
    server.quietPollMillis = 5_000;
    server.assignments.add(MEMCPY);
    waitFor(() -> helper.calls.size() == 1);
    // the job was picked up by the poll after the quick ones' pause, and ran
    waitFor(() -> server.eventsOf(1).stream().anyMatch(e -> e.type().equals("result")));
  }

  @Test
  void aValidAssignmentRunsAfterARefusedOneAndValidOnesAreNotDelayed() throws Exception {
    server.assignments.add(BOGUS);
    server.assignments.add(MEMCPY);
    thread.start();
    waitFor(() -> helper.calls.size() == 1);
    long refusedAt = server.pollTimes.get(0);
    long gap = (server.pollTimes.get(1) - refusedAt) / 1_000_000;
    // the one pause the refusal owes, no more
    assertTrue(gap >= 900 && gap < 1900, "polled again after " + gap + " ms");
    waitFor(() -> server.eventsOf(1).stream().anyMatch(e -> e.type().equals("result")));
    int before = server.pollTimes.size();
    long t0 = System.nanoTime();
    for (int id = 2; id <= 6; id++) {
      int calls = id;
      server.assignments.add(MEMCPY.replace("\"jobId\":1", "\"jobId\":" + id));
      waitFor(() -> helper.calls.size() == calls);
    }
    long millis = (System.nanoTime() - t0) / 1_000_000;
    // five valid jobs back to back: no pause of a second between them
    assertTrue(millis < 900, "five valid jobs took " + millis + " ms");
    assertTrue(server.pollTimes.size() > before);
  }
}
