package dev.fabricscope.agent.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.agent.bandwidth.BandwidthHelper;
import dev.fabricscope.agent.bandwidth.JobAssignment;
import dev.fabricscope.agent.bandwidth.PeerNetworks;
import dev.fabricscope.bandwidth.BandwidthKind;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

/**
 * What {@link JobLoop} runs once before its first poll, so that the first test of a freshly started
 * agent does not run the job path cold: the agent is timed against the tool run by hand.
 */
public final class JobRehearsal {

  private static final ObjectMapper JSON = new ObjectMapper();

  private JobRehearsal() {}

  /**
   * The rehearsal's peer network: TEST-NET-1 is no private range, and the peer and listen rules are
   * part of the path being warmed, so it is listed here, and its listen address taken for this
   * host's own, rather than skipped.
   */
  private static final PeerNetworks REHEARSAL_NETWORK =
      new PeerNetworks(
          List.of(PeerNetworks.Cidr.parse("192.0.2.0/24")),
          List::of,
          () -> List.of(rehearsalAddress()));

  private static InetAddress rehearsalAddress() {
    try {
      return InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 2});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // four bytes always make an address
    }
  }

  /**
   * A two-sided test assignment as the server sends it, both roles (ROLE), used by {@link #run}
   * only: addresses of TEST-NET-1 (RFC 5737), never reached.
   */
  private static final String REHEARSAL =
      "{\"jobId\":1,\"role\":\"ROLE\",\"kind\":\"tcp\",\"source\":\"addr:192.0.2.1\","
          + "\"target\":\"addr:192.0.2.2\",\"bytes\":131072,\"repetitions\":1,"
          + "\"durationSeconds\":1,\"threads\":1,\"pageable\":false,\"peer\":PEER,"
          + "\"deadline\":\"2026-01-01T00:00:00Z\",\"timeoutSeconds\":60}";

  /**
   * Before the first poll: checks a listen and a run assignment, plays both through a {@link
   * JobSide} with a stand-in helper whose events go nowhere ({@link StandInHelper}), and lets each
   * helper rehearse ({@link BandwidthHelper#rehearse()}: the real helpers build their command lines
   * and parse a sample of their tool's output). On a freshly started agent this code otherwise runs
   * cold inside the first test, whose time the operator compares with the tool run by hand (issue
   * 10, acceptance 7). Starts no process and sends nothing.
   */
  public static void run(
      List<BandwidthHelper> helpers,
      Function<BandwidthKind, Optional<BandwidthHelper>> lookup,
      AgentLog log) {
    ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
    try {
      run(helpers, lookup, log, ticks);
    } finally {
      ticks.shutdownNow();
    }
  }

  /** As {@link #run(List, Function, AgentLog)}, on the job loop's own tick thread. */
  static void run(
      List<BandwidthHelper> helpers,
      Function<BandwidthKind, Optional<BandwidthHelper>> lookup,
      AgentLog log,
      ScheduledExecutorService ticks) {
    JsonNode ok = JSON.createObjectNode().put("jobId", 1).put("state", "running");
    run(
        helpers,
        lookup,
        log,
        ticks,
        (id, json) -> new JobClient.Answer(JobClient.Kind.OK, 200, ok, ""));
  }

  /** As above, the sides' events given to {@code events} (tests see what the sides did). */
  static void run(
      List<BandwidthHelper> helpers,
      Function<BandwidthKind, Optional<BandwidthHelper>> lookup,
      AgentLog log,
      ScheduledExecutorService ticks,
      JobSide.Events events) {
    String peer = "{\"address\":\"192.0.2.2\",\"port\":5201}";
    List<JobAssignment> sides = new ArrayList<>(2);
    for (String[] side : new String[][] {{"listen", "null"}, {"run", peer}}) {
      try {
        JsonNode n = JSON.readTree(REHEARSAL.replace("ROLE", side[0]).replace("PEER", side[1]));
        JobAssignment job = JobAssignment.parse(n, id -> null, REHEARSAL_NETWORK);
        lookup.apply(job.spec().kind());
        sides.add(job);
      } catch (IOException | JobAssignment.Refused e) {
        log.info("jobs: rehearsal: " + e.getMessage()); // a bug of ours; jobs still run
      }
    }
    AgentLog quiet = new AgentLog(new PrintStream(OutputStream.nullOutputStream()));
    for (JobAssignment job : sides) {
      try {
        new JobSide(
                job, Optional.of(new StandInHelper()), events, ticks, Duration.ofHours(1), quiet)
            .run();
      } catch (RuntimeException e) {
        log.info("jobs: rehearsal of the " + (job.listen() ? "listen" : "run") + " side: " + e);
      }
    }
    for (BandwidthHelper h : helpers) {
      try {
        h.rehearse();
      } catch (RuntimeException e) {
        log.info("jobs: rehearsal of " + h.name() + ": " + e);
      }
    }
  }
}
