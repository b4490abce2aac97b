package dev.fabricscope.bandwidth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.inventory.BandwidthJobStore.Job;
import dev.fabricscope.inventory.BandwidthJobStore.Listener;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A bandwidth test as the API shows it: what was asked, where it is, and once measured the result
 * beside the expected value ({@code result} is the {@link BandwidthResult} JSON, with samples,
 * bottleneck and the basis of the expectation).
 *
 * @param id job id
 * @param kind test kind
 * @param state queued, listening, running, passed, warned, failed, measured (nothing expected),
 *     error, cancelled or timed-out
 * @param source the source's host and endpoint
 * @param target the target's host and endpoint
 * @param bytes bytes per transfer
 * @param size the same, written as {@code 256M}
 * @param repetitions timed repetitions
 * @param durationSeconds run time of streaming helpers, or null
 * @param threads copy threads (host-memcpy)
 * @param pageable pageable host buffers (GPU copies)
 * @param concurrent the flows run at the same time as the test's own, on the source's host (empty
 *     for a test of one flow); the result's {@code flows} has each one's numbers
 * @param created when it was asked for
 * @param started when its first side was handed to an agent
 * @param finished when it ended
 * @param deadline when the current phase must be over
 * @param requestedBy the name of the token that asked for it
 * @param listener where the target listens (two-sided kinds, once ready)
 * @param measuredGBps the measured median, once measured
 * @param expectedGBps what the path should carry, null when unknown
 * @param verdict pass, warn, fail or unknown, once measured
 * @param result the full result, once measured
 * @param message why it ended without a result, or who cancelled it
 * @param rawOutput the helper's own output (only when one job is asked for)
 */
@Schema(name = "BandwidthTest")
public record JobView(
    long id,
    String kind,
    @Schema(ref = "BandwidthTestState") String state,
    Side source,
    Side target,
    long bytes,
    String size,
    int repetitions,
    Integer durationSeconds,
    int threads,
    boolean pageable,
    List<Flow> concurrent,
    Instant created,
    Instant started,
    Instant finished,
    Instant deadline,
    String requestedBy,
    Listener listener,
    Double measuredGBps,
    Double expectedGBps,
    String verdict,
    @Schema(implementation = BandwidthResult.class) JsonNode result,
    String message,
    String rawOutput) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One concurrent flow, by its endpoints.
   *
   * @param source source endpoint
   * @param target target endpoint
   */
  @Schema(name = "BandwidthTestFlow")
  public record Flow(String source, String target) {
    static List<Flow> of(BandwidthSpec s) {
      return s.concurrent().stream()
          .map(f -> new Flow(f.source().toString(), f.target().toString()))
          .toList();
    }
  }

  /** One end of a test. */
  @Schema(name = "BandwidthTestEnd")
  public record Side(String host, String endpoint) {}

  /** The view of a job, with its raw output when given. */
  public static JobView of(Job j, String rawOutput) {
    JsonNode result = null;
    if (j.resultJson() != null) {
      try {
        result = JSON.readTree(j.resultJson());
      } catch (IOException e) {
        result = null; // written by this server from a BandwidthResult; unreadable means lost
      }
    }
    var s = j.spec();
    return new JobView(
        j.id(),
        s.kind().json(),
        j.state().json(),
        new Side(j.sourceHost(), s.source().toString()),
        new Side(j.targetHost(), s.target().toString()),
        s.bytes(),
        ByteSizes.format(s.bytes()),
        s.repetitions(),
        s.durationSeconds(),
        s.threads(),
        s.pageable(),
        Flow.of(s),
        j.created(),
        j.started(),
        j.finished(),
        j.deadline(),
        j.requestedBy(),
        j.listener(),
        j.measuredGBps(),
        j.expectedGBps(),
        j.verdict(),
        result,
        j.message(),
        rawOutput);
  }

  /**
   * A job side handed to an agent ({@code GET /api/v1/agents/{host}/jobs}): the checked spec's
   * fields, the role, the listener to connect to (the run side of a two-sided kind) and the time it
   * has. The agent checks every field again before it runs anything.
   *
   * @param jobId the job, for its events
   * @param role {@code run} or {@code listen}
   * @param kind test kind
   * @param source source endpoint
   * @param target target endpoint
   * @param bytes bytes per transfer
   * @param repetitions timed repetitions
   * @param durationSeconds run time of streaming helpers, or null
   * @param threads copy threads
   * @param pageable pageable host buffers
   * @param concurrent more flows to run at the same instant as the test's own (empty for one)
   * @param peer the target's listener (run side of two-sided kinds), else null
   * @param deadline when the side must be done (server clock)
   * @param timeoutSeconds the same as seconds from now (for agents whose clock differs)
   */
  @Schema(name = "BandwidthAssignment")
  public record Assignment(
      long jobId,
      String role,
      String kind,
      String source,
      String target,
      long bytes,
      int repetitions,
      Integer durationSeconds,
      int threads,
      boolean pageable,
      List<Flow> concurrent,
      Listener peer,
      Instant deadline,
      long timeoutSeconds) {

    /** The assignment of one side of a job. */
    public static Assignment of(Job j, boolean listen, Instant deadline, Instant now) {
      var s = j.spec();
      return new Assignment(
          j.id(),
          listen ? "listen" : "run",
          s.kind().json(),
          s.source().toString(),
          s.target().toString(),
          s.bytes(),
          s.repetitions(),
          s.durationSeconds(),
          s.threads(),
          s.pageable(),
          Flow.of(s),
          listen ? null : j.listener(),
          deadline,
          Math.max(1, java.time.Duration.between(now, deadline).toSeconds()));
    }
  }
}
