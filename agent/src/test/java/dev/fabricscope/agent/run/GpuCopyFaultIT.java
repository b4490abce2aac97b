package dev.fabricscope.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.agent.AgentProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gpu-* jobs of the {@code run} service copy in a child JVM: through the CUDA driver's test double
 * ({@code FAKE_CUDA_COPY_FAULT_FILE}: detection passes, then a copy hangs or crashes), a crash is
 * the job's error naming the frame, a hang ends at the job's own deadline, a cancel (the server's
 * 409) ends the hanging child within a couple of seconds; each time the agent heartbeats, polls and
 * runs the next job, and no process is left behind. A working copy brings the same numbers as the
 * {@code bandwidth} command measures in its own process (the double's events give fixed times).
 */
class GpuCopyFaultIT {

  private static final String TOKEN = "tok-" + Long.toHexString(System.nanoTime());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String EVENT_MS = "2.5";

  @TempDir Path tmp;
  private RigAgents rig;
  private Path fault;

  @BeforeEach
  void setUp() throws Exception {
    rig = RigAgents.named(tmp, "node-1"); // the name FakeJobServer serves jobs to
    fault = tmp.resolve("copy-fault");
  }

  @AfterEach
  void tearDown() {
    rig.close();
  }

  @Test
  void aWorkingCopyArrivesWithTheNumbersTheCommandMeasuresInItsOwnProcess() throws Exception {
    try (FakeJobServer jobs = new FakeJobServer();
        FakeServer server = new FakeServer(TOKEN).withJobs(jobs).start()) {
      Process agent = agent(server);
      JsonNode result = resultOf(jobs, 1, 60);
      // bytes over the double's fixed event time, as CudaCopies computes it: exact to the bit
      double expected = 8388608 / (Float.parseFloat(EVENT_MS) / 1e3) / 1e9;
      List<Double> samples = new ArrayList<>();
      result.path("samples").forEach(n -> samples.add(n.doubleValue()));
      assertEquals(List.of(expected, expected, expected), samples, result.toString());
      AgentProcess.Result json = inProcess("--format", "json");
      assertEquals(0, json.code(), json.err());
      assertEquals(
          JSON.readTree(json.out()).path("helper").asText(), result.path("helper").asText());
      // the command's detail line is the raw output, its GB/s list every sample unrounded
      AgentProcess.Result text = inProcess();
      String raw = result.path("rawOutput").asText();
      assertTrue(raw.startsWith("CUDA driver 13.0, gpu-h2d numa:0"), raw);
      assertTrue(raw.endsWith("GB/s " + samples), raw);
      assertTrue(text.out().contains(raw), text.out() + "\n---\n" + raw);
      assertTrue(agent.isAlive());
      assertNoLeftovers(agent);
    }
  }

  @Test
  void aCrashInACopyIsTheJobsErrorAndTheAgentRunsOn() throws Exception {
    Files.writeString(fault, "crash\n");
    try (FakeJobServer jobs = new FakeJobServer();
        FakeServer server = new FakeServer(TOKEN).withJobs(jobs).start()) {
      Process agent = agent(server);
      jobs.assignments.add(job(1, 60));
      String why = errorOf(jobs, 1, 60);
      assertTrue(
          why.startsWith(
              "gpu-h2d: gpu copy: the CUDA copy child exited with 1 (crashed in native code: C"
                  + " [libcuda.so"),
          why);
      assertTrue(agent.isAlive(), rig.log());
      runsOn(agent, server, jobs);
    }
  }

  @Test
  void aHangingCopyEndsAtTheJobsDeadlineAndTheAgentRunsOn() throws Exception {
    Files.writeString(fault, "hang\n");
    try (FakeJobServer jobs = new FakeJobServer();
        FakeServer server = new FakeServer(TOKEN).withJobs(jobs).start()) {
      Process agent = agent(server);
      jobs.assignments.add(job(1, 5));
      rig.await("job 1 started", () -> !jobs.eventsOf(1).isEmpty(), 60);
      long started = jobs.eventsOf(1).get(0).atNanos();
      String why = errorOf(jobs, 1, 30);
      long ms = TimeUnit.NANOSECONDS.toMillis(last(jobs, 1).atNanos() - started);
      assertEquals("deadline passed: gpu-h2d: gpu copy: no answer within 5 s", why);
      // the deadline, the kill (SIGTERM ends a JVM stuck in native code at once), the post
      assertTrue(ms >= 3000 && ms < 5000 + 3000, ms + " ms");
      assertTrue(agent.isAlive(), rig.log());
      System.out.println("hanging copy: error " + ms + " ms after the job started (deadline 5 s)");
      runsOn(agent, server, jobs);
    }
  }

  @Test
  void aCancelEndsAHangingCopysChildWithinTwoSeconds() throws Exception {
    Files.writeString(fault, "hang\n");
    try (FakeJobServer jobs = new FakeJobServer();
        FakeServer server = new FakeServer(TOKEN).withJobs(jobs).start()) {
      Process agent = agent(server);
      jobs.assignments.add(job(1, 600));
      rig.await("the copy child", () -> copyChild(agent) != null, 60);
      ProcessHandle child = copyChild(agent);
      long[] goneAt = new long[1];
      var gone = child.onExit().thenRun(() -> goneAt[0] = System.nanoTime());
      // just after a progress event: the next one, 2 s on, is the first answered 409
      rig.await(
          "a progress event",
          () -> !jobs.eventsOf(1).isEmpty() && last(jobs, 1).type().equals("progress"),
          30);
      long endAt = System.nanoTime();
      jobs.end(1, "cancelled");
      gone.get(30, TimeUnit.SECONDS);
      // the agent's cancel comes with the 409; from then the child has the kill's grace
      FakeJobServer.Event refused =
          jobs.eventsOf(1).stream().filter(e -> e.atNanos() > endAt).findFirst().orElseThrow();
      long ms = TimeUnit.NANOSECONDS.toMillis(goneAt[0] - refused.atNanos());
      assertTrue(ms < 2000, ms + " ms from the 409 to the child's end");
      System.out.println("cancelled copy: child gone " + ms + " ms after the 409");
      Thread.sleep(500);
      assertFalse(
          jobs.eventsOf(1).stream().anyMatch(e -> e.type().equals("error")),
          "a cancelled job is no error");
      runsOn(agent, server, jobs);
    }
  }

  /**
   * After a fault: no process left, heartbeats and polls go on, and the next job (the double's
   * copies working again) brings its result.
   */
  private void runsOn(Process agent, FakeServer server, FakeJobServer jobs) throws Exception {
    assertNoLeftovers(agent);
    long beats = server.heartbeats().stream().filter(FakeServer.Req::ok).count();
    int polls = jobs.pollTimes.size();
    rig.await(
        "two more heartbeats",
        () -> server.heartbeats().stream().filter(FakeServer.Req::ok).count() >= beats + 2,
        20);
    rig.await("another poll", () -> jobs.pollTimes.size() > polls, 40);
    Files.deleteIfExists(fault);
    JsonNode next = resultOf(jobs, 2, 60);
    assertEquals(3, next.path("samples").size(), next.toString());
    assertTrue(agent.isAlive(), rig.log());
    assertNoLeftovers(agent);
    rig.assertNoFiles();
  }

  private JsonNode resultOf(FakeJobServer jobs, long id, int seconds) throws Exception {
    if (jobs.eventsOf(id).isEmpty()) {
      jobs.assignments.add(job(id, 60));
    }
    rig.await("job " + id + " over", () -> over(jobs, id), seconds);
    FakeJobServer.Event e = last(jobs, id);
    assertEquals("result", e.type(), e.body().toString() + "\n" + rig.log());
    return e.body();
  }

  private String errorOf(FakeJobServer jobs, long id, int seconds) throws Exception {
    rig.await("job " + id + " over", () -> over(jobs, id), seconds);
    FakeJobServer.Event e = last(jobs, id);
    assertEquals("error", e.type(), e.body().toString());
    return e.body().path("message").asText();
  }

  private static boolean over(FakeJobServer jobs, long id) {
    return jobs.eventsOf(id).stream().anyMatch(e -> !e.type().matches("started|progress"));
  }

  private static FakeJobServer.Event last(FakeJobServer jobs, long id) {
    List<FakeJobServer.Event> ev = jobs.eventsOf(id);
    return ev.get(ev.size() - 1);
  }

  /** An 8 MiB pinned host-to-GPU copy, three timed repetitions. */
  private static String job(long id, int timeoutSeconds) {
    return "{\"jobId\":"
        + id
        + ",\"role\":\"run\",\"kind\":\"gpu-h2d\",\"source\":\"numa:0\",\"target\":\"gpu:0\","
        + "\"bytes\":8388608,\"repetitions\":3,\"durationSeconds\":null,\"threads\":1,"
        + "\"pageable\":false,\"peer\":null,\"timeoutSeconds\":"
        + timeoutSeconds
        + "}";
  }

  /** The agent's child running a copy ({@code IsolatedMain gpu-copy}), or null. */
  private static ProcessHandle copyChild(Process agent) {
    return agent
        .descendants()
        .filter(h -> h.info().arguments().map(a -> List.of(a).contains("gpu-copy")).orElse(false))
        .findFirst()
        .orElse(null);
  }

  private void assertNoLeftovers(Process agent) throws Exception {
    rig.await("no child of the agent", () -> agent.descendants().findAny().isEmpty(), 10);
  }

  /** The same copy by the {@code bandwidth} command, in its own process. */
  private AgentProcess.Result inProcess(String... more) throws Exception {
    // the job's copy (job()) as the command's options
    List<String> args =
        new ArrayList<>(
            List.of(
                "bandwidth --kind gpu-h2d --source numa:0 --target gpu:0 --size 8M".split(" ")));
    args.addAll(List.of("--repeat", "3"));
    args.addAll(List.of(more));
    return AgentProcess.run(tmp, true, env(), args);
  }

  private Map<String, String> env() {
    return Map.of("FAKE_CUDA_COPY_FAULT_FILE", fault.toString(), "FAKE_CUDA_EVENT_MS", EVENT_MS);
  }

  private Process agent(FakeServer server) throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "--server",
                server.url(),
                "--token-file",
                rig.tokenFile(TOKEN),
                "--fsroot",
                rig.fsroot(),
                "--spool",
                tmp.resolve("spool").toString()));
    args.addAll(List.of("--interval 10s --heartbeat 1s --timeout 5s".split(" ")));
    return rig.start(env(), args);
  }
}
