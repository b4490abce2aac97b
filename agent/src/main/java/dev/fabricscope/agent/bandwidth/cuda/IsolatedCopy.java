package dev.fabricscope.agent.bandwidth.cuda;

import dev.fabricscope.agent.bandwidth.Cancellation;
import dev.fabricscope.agent.bandwidth.HelperException;
import dev.fabricscope.agent.bandwidth.JobAssignment;
import dev.fabricscope.agent.bandwidth.Measurement;
import dev.fabricscope.agent.bandwidth.memory.MemoryBudget;
import dev.fabricscope.agent.isolation.ChildOutcome;
import dev.fabricscope.agent.isolation.IsolatedCall;
import dev.fabricscope.agent.isolation.IsolatedMain;
import dev.fabricscope.bandwidth.BandwidthKind;
import dev.fabricscope.bandwidth.BandwidthSpec;
import dev.fabricscope.bandwidth.Endpoint;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A gpu-* copy test run in a child JVM ({@link IsolatedMain#GPU_COPY}), for the {@code run}
 * service. Why: a driver that passed the isolated probe can still hang in a copy (the job thread
 * then waited forever) or crash (SIGSEGV took the agent with it: no more reports, heartbeats or job
 * polls). The child is the in-process helper in a throw-away process; this side
 *
 * <ul>
 *   <li>reserves the host buffers in the agent's one {@link MemoryBudget} before the child starts
 *       and holds them until the child is gone (other jobs of this agent count them; the child
 *       checks its own budget again before it allocates);
 *   <li>passes the spec's checked fields on the command line ({@link #args}), which the child
 *       checks again ({@link #answerHere});
 *   <li>waits with the job's own {@link Cancellation}: the job's deadline (not {@code
 *       --driver-timeout}: a 16 GiB copy repeated a thousand times takes minutes) and its cancel
 *       both kill the child with its descendants; the child gets a slightly earlier deadline of its
 *       own ({@link #childMillis}), so a test that runs long ends with its answer, not a kill;
 *   <li>reads the answer as a stranger's ({@link CopyAnswer}).
 * </ul>
 */
public final class IsolatedCopy {

  /** The child in words, for the reasons. */
  static final String WHAT = "the CUDA copy child";

  /** What of the job's time is kept back from the child's own deadline, at most. */
  static final long MAX_MARGIN_MILLIS = 3000;

  private static final Pattern COUNT = Pattern.compile("[1-9][0-9]{0,17}");

  private final IsolatedCall call;
  private final MemoryBudget budget;

  /** Copies in child JVMs of this agent, host buffers reserved in {@code budget}. */
  IsolatedCopy(MemoryBudget budget) {
    // the job's Cancellation bounds each call; this bound is what a job side may take at most
    this(
        new IsolatedCall(
            IsolatedMain.GPU_COPY, WHAT, Duration.ofSeconds(JobAssignment.MAX_TIMEOUT_SECONDS)),
        budget);
  }

  /** With another child (tests: a shell that prints, hangs or dies as told). */
  IsolatedCopy(IsolatedCall call, MemoryBudget budget) {
    this.call = call;
    this.budget = budget;
  }

  /** Runs the test in a child; a hang, crash or unreadable answer is a one-line reason. */
  Measurement run(BandwidthSpec spec, Cancellation cancel) throws HelperException {
    String kind = spec.kind().json();
    if (cancel.stop()) {
      throw new HelperException(
          kind + ": " + (cancel.cancelled() ? "cancelled" : "deadline passed") + " before it ran");
    }
    long left = cancel.remainingMillis();
    MemoryBudget.Reservation held = budget.reserve(HostBuffer.need(spec));
    Duration shown = Duration.ofSeconds(Math.max(1, (left + 999) / 1000));
    return measurement(spec, call.call(args(spec, childMillis(left)), cancel, shown, held::close));
  }

  /**
   * The child's measurement, or why there is none in one line: how it ended ({@code gpu-h2d: gpu
   * copy: no answer within 60 s}), the test's own error, or why its answer was refused.
   */
  static Measurement measurement(BandwidthSpec spec, ChildOutcome o) throws HelperException {
    if (o.why() != null) {
      throw new HelperException(
          ChildOutcome.failed(spec.kind().json() + ": gpu copy: " + o.why()).why());
    }
    return CopyAnswer.read(o.answer(), spec);
  }

  /** The child's own deadline: the job's time left, less a tenth of it (at most 3 s). */
  static long childMillis(long leftMillis) {
    return Math.max(1, leftMillis - Math.min(MAX_MARGIN_MILLIS, leftMillis / 10));
  }

  /**
   * The child's arguments: kind, source, target, bytes, repetitions, duration ({@code -} for none),
   * pageable, and its deadline in milliseconds. A gpu-* spec has one thread and no concurrent flows
   * ({@link BandwidthSpec#of} refuses them), so nothing else is passed.
   */
  static List<String> args(BandwidthSpec spec, long deadlineMillis) {
    return List.of(
        spec.kind().json(),
        spec.source().toString(),
        spec.target().toString(),
        Long.toString(spec.bytes()),
        Integer.toString(spec.repetitions()),
        spec.durationSeconds() == null ? "-" : spec.durationSeconds().toString(),
        Boolean.toString(spec.pageable()),
        Long.toString(deadlineMillis));
  }

  /** A child's checked request: the spec and the child's deadline. */
  record Request(BandwidthSpec spec, Duration deadline) {}

  /**
   * Reads {@link #args} again, every field through the same checks a job's assignment passes
   * ({@link BandwidthKind#of}, {@link Endpoint#parse}, {@link BandwidthSpec#of}), gpu-* kinds only.
   *
   * @throws IllegalArgumentException what is wrong, in one line
   */
  static Request request(List<String> args) {
    if (args.size() != 8) {
      throw new IllegalArgumentException("8 fields expected, not " + args.size());
    }
    BandwidthKind kind = BandwidthKind.of(args.get(0));
    if (!kind.gpu()) {
      throw new IllegalArgumentException(kind.json() + " is not a GPU copy");
    }
    String duration = args.get(5);
    String pageable = args.get(6);
    if (!pageable.equals("true") && !pageable.equals("false")) {
      throw new IllegalArgumentException("pageable: true or false");
    }
    BandwidthSpec spec =
        BandwidthSpec.of(
            kind,
            Endpoint.parse(args.get(1)),
            Endpoint.parse(args.get(2)),
            count(args.get(3), "bytes", BandwidthSpec.MAX_BYTES),
            (int) count(args.get(4), "repetitions", BandwidthSpec.MAX_REPETITIONS),
            duration.equals("-")
                ? null
                : (int) count(duration, "duration", BandwidthSpec.MAX_DURATION_SECONDS),
            1,
            Boolean.parseBoolean(pageable));
    long ms = count(args.get(7), "deadline", JobAssignment.MAX_TIMEOUT_SECONDS * 1000);
    return new Request(spec, Duration.ofMillis(ms));
  }

  private static long count(String text, String field, long max) {
    if (!COUNT.matcher(text).matches()) {
      throw new IllegalArgumentException(field + ": '" + Endpoint.printable(text) + "'");
    }
    long v = Long.parseLong(text);
    if (v > max) {
      throw new IllegalArgumentException(field + ": " + v + " is more than " + max);
    }
    return v;
  }

  /**
   * The child's side: runs the checked request with the in-process helper over this host's driver
   * and the child's own memory budget, and returns the answer line's JSON.
   *
   * @throws IllegalArgumentException the arguments are not a request ({@link #request})
   */
  public static String answerHere(List<String> args) {
    Request r = request(args);
    try {
      Measurement m =
          new CudaCopyHelper(CudaDriver.LIBRARY_NAMES, MemoryBudget.shared())
              .run(r.spec(), null, Cancellation.within(r.deadline()));
      return CopyAnswer.of(m);
    } catch (HelperException e) {
      return CopyAnswer.error(e.getMessage());
    }
  }
}
