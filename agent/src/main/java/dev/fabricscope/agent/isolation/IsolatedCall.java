package dev.fabricscope.agent.isolation;

import dev.fabricscope.agent.bandwidth.Cancellation;
import dev.fabricscope.agent.bandwidth.HelperException;
import dev.fabricscope.agent.bandwidth.ProcessResult;
import dev.fabricscope.agent.bandwidth.ProcessRunner;
import dev.fabricscope.agent.bandwidth.RunningProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One native probe asked in a child JVM ({@link ChildJvm}, {@link IsolatedMain}) with a deadline:
 * the child is killed with its descendants when the deadline passes, its output is bounded, and
 * every way it can end becomes a {@link ChildOutcome}. Why: NVML or the CUDA driver hanging or
 * crashing in the agent's own process silenced {@code run} for good (security review 17).
 *
 * <p>The child is held like a helper ({@link ProcessRunner#forOwnChildren}): what the driver
 * library forks ends with it. An answer that came whole before a bad ending is used, and the ending
 * written to stderr as a note ({@link ChildOutcome#note}).
 *
 * <p>A child that survives SIGKILL (a process stuck in the kernel, as on a GPU fallen off the bus)
 * is remembered, and no further child is started while it lives: each would be stuck the same way,
 * one more process per scan.
 */
public final class IsolatedCall {

  /** How long a probe may take when not configured ({@code --driver-timeout}). */
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(30);

  /** Output kept per stream: a DGX's NVML answer is about 100 KB of JSON. */
  static final int MAX_OUTPUT_BYTES = 4 << 20;

  /** Between SIGTERM and SIGKILL: a JVM stuck in native code still exits on SIGTERM at once. */
  static final long GRACE_MILLIS = 1000;

  /** Where notes go: stderr for one-shot commands; the {@code run} service's timestamped log. */
  private static volatile Consumer<String> notes =
      line -> System.err.println("fabricscope-agent: " + line);

  private final String what;
  private final Supplier<List<String>> argv;
  private final Duration deadline;
  private final ProcessRunner runner = ProcessRunner.forOwnChildren(MAX_OUTPUT_BYTES, GRACE_MILLIS);
  private RunningProcess stuck;

  /**
   * Sends the notes of every probe ({@link ChildOutcome#note}) to {@code sink} from now on; returns
   * the sink before, to put back. The {@code run} service logs them with its time stamps.
   */
  public static Consumer<String> noteTo(Consumer<String> sink) {
    Consumer<String> before = notes;
    notes = sink;
    return before;
  }

  /**
   * A probe running {@code entry} of {@link IsolatedMain}.
   *
   * @param what the child in words, for the reasons ({@code the NVML reader})
   */
  public IsolatedCall(String entry, String what, Duration deadline) {
    this(what, () -> ChildJvm.argv(entry), deadline);
  }

  /** A probe running any command line (tests: a child that prints, sleeps or dies as told). */
  IsolatedCall(String what, Supplier<List<String>> argv, Duration deadline) {
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("the deadline must be positive");
    }
    this.what = what;
    this.argv = argv;
    this.deadline = deadline;
  }

  /** The time a child has. */
  public Duration deadline() {
    return deadline;
  }

  /** The runner children are started with (tests). */
  ProcessRunner runner() {
    return runner;
  }

  /** How many children this call started (tests). */
  int starts() {
    return runner.starts();
  }

  /** Runs the child to its end or its deadline; one at a time. */
  public synchronized ChildOutcome call() {
    return call(List.of(), Cancellation.within(deadline), deadline, () -> {});
  }

  /**
   * Runs the child with more arguments after its entry name, until it ends, {@code cancel} is
   * cancelled or its deadline passes (then it is killed with its descendants). Calls may overlap
   * (two jobs' copies): only the start is one at a time, where a stuck child is looked for.
   *
   * @param args checked values only: they reach the child's command line as they are
   * @param shown the time the child had, as the reason for a deadline says it
   * @param whenGone run once the child has ended (at once when it never started; when it outlived
   *     its kill, whenever it finally ends): what it held, such as reserved memory, is free then
   */
  public ChildOutcome call(
      List<String> args, Cancellation cancel, Duration shown, Runnable whenGone) {
    RunningProcess p;
    try {
      p = start(args);
    } catch (HelperException e) {
      whenGone.run();
      return ChildOutcome.failed(e.getMessage());
    }
    ProcessResult r;
    try {
      r = p.await(cancel);
    } finally {
      // the child itself: behind unshare it is the namespace's first process, which may outlive
      // an unshare that was killed
      ProcessHandle child = p.handle();
      if (child.isAlive()) {
        synchronized (this) {
          stuck = p;
        }
        child.onExit().thenRun(whenGone);
      } else {
        whenGone.run();
      }
    }
    ChildOutcome o = ChildOutcome.of(r, shown, what, MAX_OUTPUT_BYTES);
    if (o.note() != null) {
      notes.accept(o.note() + " after its answer (used)");
    }
    return o;
  }

  /** Starts the child, unless one before it could not be stopped; the reason as the message. */
  private synchronized RunningProcess start(List<String> args) throws HelperException {
    if (stuck != null && stuck.handle().isAlive()) {
      throw new HelperException(
          what
              + " started earlier (pid "
              + stuck.handle().pid()
              + ") could not be stopped and still runs");
    }
    stuck = null;
    List<String> command = new ArrayList<>(argv.get());
    command.addAll(args);
    Optional<String> gone = ChildJvm.gone(command);
    if (gone.isPresent()) {
      throw new HelperException(what + " could not be started: " + gone.get());
    }
    try {
      return runner.startOwn(command, ChildJvm.workDir());
    } catch (HelperException e) {
      throw new HelperException(what + " could not be started: " + e.getMessage());
    }
  }
}
