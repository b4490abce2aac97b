package dev.fabricscope.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fabricscope.agent.bandwidth.BandwidthHelper;
import dev.fabricscope.agent.bandwidth.Cancellation;
import dev.fabricscope.agent.bandwidth.HelperCapability;
import dev.fabricscope.agent.bandwidth.Measurement;
import dev.fabricscope.agent.bandwidth.Peer;
import dev.fabricscope.bandwidth.BandwidthKind;
import dev.fabricscope.bandwidth.BandwidthSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The rehearsal before the first poll: its assignments pass the agent's own check (a refusal would
 * be logged and the job path left cold), it asks the registry for the tcp helper, and it runs no
 * helper: nothing is measured, listened on or sent.
 */
class JobRehearsalTest {

  @Test
  void checksBothSidesAndRunsNothing() {
    RecordingHelper helper = new RecordingHelper();
    List<BandwidthKind> asked = new ArrayList<>();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    JobRehearsal.run(
        List.of(helper),
        k -> {
          asked.add(k);
          return Optional.<BandwidthHelper>of(helper);
        },
        new AgentLog(new PrintStream(err, true, StandardCharsets.UTF_8)));
    assertEquals("", err.toString(StandardCharsets.UTF_8), "nothing logged: no refusal");
    assertEquals(List.of(BandwidthKind.TCP, BandwidthKind.TCP), asked);
    assertEquals(List.of(), helper.calls, "no run, no listen");
  }

  @Test
  void bothSidesWalkTheJobPathWithAStandIn() {
    List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    var ticks = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      JobRehearsal.run(
          List.of(),
          k -> Optional.empty(),
          new AgentLog(new PrintStream(err, true, StandardCharsets.UTF_8)),
          ticks,
          (id, json) -> {
            events.add(json);
            return new JobClient.Answer(JobClient.Kind.OK, 200, null, "");
          });
    } finally {
      ticks.shutdownNow();
    }
    assertEquals("", err.toString(StandardCharsets.UTF_8));
    assertEquals(
        List.of(
            "{\"type\":\"listening\",\"role\":\"listen\",\"address\":\"192.0.2.2\",\"port\":5201}",
            "{\"type\":\"started\",\"role\":\"run\"}",
            "{\"type\":\"result\",\"role\":\"run\",\"helper\":\"rehearsal\",\"samples\":[1.0],"
                + "\"rawOutput\":\"rehearsal\"}"),
        events,
        "the listen side reported its listener, the run side started and posted its result");
  }

  @Test
  void aFailingHelperRehearsalIsLoggedAndTheRestGoesOn() {
    RecordingHelper later = new RecordingHelper();
    RecordingHelper recording = new RecordingHelper();
    BandwidthHelper failing =
        new BandwidthHelper() {
          @Override
          public String name() {
            return "failing";
          }

          @Override
          public HelperCapability detect() {
            return recording.detect();
          }

          @Override
          public boolean handles(BandwidthKind kind) {
            return false;
          }

          @Override
          public Measurement run(BandwidthSpec spec, Peer peer, Cancellation cancel) {
            throw new AssertionError("a rehearsal runs nothing");
          }

          @Override
          public void rehearse() {
            throw new IllegalStateException("broken");
          }
        };
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    JobRehearsal.run(
        List.of(failing, later),
        k -> Optional.empty(),
        new AgentLog(new PrintStream(err, true, StandardCharsets.UTF_8)));
    String log = err.toString(StandardCharsets.UTF_8);
    assertEquals(1, log.lines().count(), log);
    assertEquals(List.of(), later.calls);
  }
}
