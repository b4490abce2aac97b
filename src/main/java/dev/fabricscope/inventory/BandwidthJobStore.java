package dev.fabricscope.inventory;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.fabricscope.bandwidth.BandwidthSpec;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Bandwidth-test jobs and the helpers each host's agent reported (issue 10). One JDBC
 * implementation on H2 and PostgreSQL ({@link JdbcBandwidthJobStore}), with contract tests on both.
 *
 * <p>A job moves {@code queued} → ({@code listening}, two-sided kinds) → {@code running} → one
 * terminal state. Every transition is a conditional update on the current state, so two callers
 * racing (an agent's result and an operator's cancel, two polls of one host) cannot both win: each
 * side of a job is handed out once, and a finished job never changes again.
 */
public interface BandwidthJobStore {

  /** Where a job is. */
  enum State {
    /** Waiting for its agent(s); for two-sided kinds the target's listener may be starting. */
    QUEUED("queued"),
    /** Two-sided: the target listens; the source's run is waiting for its agent. */
    LISTENING("listening"),
    /** The source's agent has the run assignment. */
    RUNNING("running"),
    /** Measured at or above the pass ratio of the expected value. */
    PASSED("passed"),
    /** Below the pass ratio, at or above the warn ratio. */
    WARNED("warned"),
    /** Below the warn ratio. */
    FAILED("failed"),
    /** Measured, but nothing is expected for this path (verdict unknown: nothing passed). */
    MEASURED("measured"),
    /** The helper or the agent could not run the test (the message says why). */
    ERROR("error"),
    /** Cancelled by an operator or by the agent. */
    CANCELLED("cancelled"),
    /** A deadline passed, or the server restarted while the job ran. */
    TIMED_OUT("timed-out");

    private final String json;

    State(String json) {
      this.json = json;
    }

    @JsonValue
    public String json() {
      return json;
    }

    /** Whether the job is over. */
    public boolean terminal() {
      return ordinal() > RUNNING.ordinal();
    }

    /** The state for its name. */
    public static State of(String json) {
      for (State s : values()) {
        if (s.json.equals(json)) {
          return s;
        }
      }
      throw new IllegalArgumentException("unknown job state " + json);
    }
  }

  /** Which side of a job an agent plays. */
  enum Role {
    /** Runs the test (one-host kinds, the source of two-sided kinds). */
    RUN,
    /** Starts the listener of a two-sided kind on the target. */
    LISTEN
  }

  /** Where the target's listener is. */
  record Listener(String address, int port, String gid, Integer gidIndex) {}

  /** A job to store. */
  record NewJob(
      BandwidthSpec spec,
      String sourceHost,
      String targetHost,
      String requestedBy,
      Instant created,
      Instant deadline) {}

  /** A stored job (without its raw output, see {@link #rawOutput}). */
  record Job(
      long id,
      BandwidthSpec spec,
      String sourceHost,
      String targetHost,
      State state,
      Instant created,
      Instant started,
      Instant finished,
      Instant deadline,
      Instant sourceTaken,
      Instant targetTaken,
      Listener listener,
      String requestedBy,
      Double measuredGBps,
      Double expectedGBps,
      String verdict,
      String resultJson,
      String message) {

    /** Whether {@code host} plays a part in this job. */
    public boolean involves(String host) {
      return sourceHost.equals(host) || targetHost.equals(host);
    }
  }

  /** How a job ended. Null fields are left as they are. */
  record Outcome(
      State state,
      Double measuredGBps,
      Double expectedGBps,
      String verdict,
      String resultJson,
      String rawOutput,
      String message) {

    /** An ending without a measurement. */
    public static Outcome of(State state, String message) {
      return new Outcome(state, null, null, null, null, null, message);
    }
  }

  /** A side of a job handed to an agent. */
  record Assignment(Job job, Role role) {}

  /** The deadlines of the phases, decided by the caller (configuration). */
  interface Deadlines {
    /** By when a target that took its listen assignment must report ready. */
    Instant listenReady(Job job, Instant now);

    /** By when a source that took its run assignment must post its result. */
    Instant run(Job job, Instant now);
  }

  /**
   * Filters of {@link #list}; null means any. {@code peer}: the other host of a pair ({@code host}
   * when only endpoints are given); {@code a} on {@code host} and {@code b} on {@code peer}: the
   * two endpoints of a pair, in either direction; {@code kind}: a kind's JSON name.
   */
  record Query(String host, String peer, String a, String b, String kind, int offset, int limit) {}

  /** A job that timed out in {@link #expire}, with the state it was in. */
  record Expired(Job job, State was) {}

  /** Stores a new queued job. */
  Job create(NewJob job);

  /**
   * Refuses (507) while the database's volume has no room for new tests ({@code
   * fabricscope.history.min-free-disk}); {@link #create} checks the same.
   */
  default void checkRoom() {}

  /** How many jobs {@code requestedBy} has queued or running now. */
  int activeRequestedBy(String requestedBy);

  Optional<Job> job(long id);

  /** The raw helper output of a job, if one was posted. */
  Optional<String> rawOutput(long id);

  /**
   * Jobs newest first: those with {@code host} on either side; with {@code peer}, those between the
   * two hosts; with {@code a} and {@code b}, those between the two endpoints in either direction
   * (the history of one pair).
   */
  List<Job> list(Query query);

  /**
   * Hands the oldest job side waiting for {@code host} to it: a listen side of a queued two-sided
   * job, a run side of a queued one-host job or of a listening two-sided job. Nothing while the
   * host already plays a part in another active job (tests on one host would disturb each other).
   */
  Optional<Assignment> take(String host, Instant now, Deadlines deadlines);

  /** A queued two-sided job whose listener was handed out becomes listening; false otherwise. */
  boolean listening(long id, Listener listener, Instant deadline);

  /** Ends an active job; false when it was already over (nothing written). */
  boolean finish(long id, Outcome outcome, Instant now);

  /** Times out every active job past its deadline. */
  List<Expired> expire(Instant now);

  /**
   * After a restart: jobs that an agent had taken are timed out with {@code message}; queued jobs
   * nobody took stay queued.
   */
  List<Job> abandonTaken(Instant now, String message);

  /**
   * The last host-memcpy measurement on a host between the same nodes with the same thread count
   * that did not warn or fail (passed or measured), the baseline of the next one.
   */
  Optional<Double> lastHostMemcpy(String host, String source, String target, int threads);

  /**
   * Per NUMA node of a host, its fastest host-memcpy within the node (source endpoint = target
   * endpoint) that did not warn or fail (passed or measured), over every thread count; the newest
   * of equal rates. By node number.
   */
  List<NodeMemcpy> bestHostMemcpyWithinNodes(String host);

  /**
   * A host-memcpy measurement within one NUMA node.
   *
   * @param jobId the job that measured it
   * @param numaNode the node copied within
   * @param gbps bytes copied per second (each byte counted once), GB/s
   * @param threads copy threads of the job
   */
  record NodeMemcpy(long jobId, int numaNode, double gbps, int threads) {}

  /** Rows in bandwidth_jobs, for tests that bad input stores nothing. */
  long rowCount();
}
