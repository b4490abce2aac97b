package dev.fabricscope.agent.bandwidth;

import dev.fabricscope.agent.bandwidth.ProcessResult.Stop;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A helper process started by {@link ProcessRunner}: its output is read as it comes (bounded), it
 * ends by itself, or is killed on cancel or at the deadline. Killing sends SIGTERM to the process
 * and every descendant (taken before the parent dies: orphans are re-parented and would no longer
 * be found), then SIGKILL to whatever still runs after the grace period.
 */
public final class RunningProcess implements AutoCloseable {

  /** How long a finished process's output threads get to read the last bytes. */
  private static final long DRAIN_MILLIS = 2000;

  private final Process process;
  private final List<String> argv;
  private final BoundedCapture out;
  private final BoundedCapture err;
  private final long startNanos = System.nanoTime();
  private final long graceMillis;
  private volatile Stop stopped;

  RunningProcess(Process process, List<String> argv, int maxOutputBytes, long graceMillis) {
    this.process = process;
    this.argv = List.copyOf(argv);
    this.graceMillis = graceMillis;
    String name = "helper-" + process.pid();
    this.out = new BoundedCapture(process.getInputStream(), maxOutputBytes, name + "-out");
    this.err = new BoundedCapture(process.getErrorStream(), maxOutputBytes, name + "-err");
  }

  /** The operating system's process id. */
  public long pid() {
    return process.pid();
  }

  /** The process's handle (for its descendants and open files). */
  public ProcessHandle handle() {
    return process.toHandle();
  }

  /** Whether the process still runs. */
  public boolean alive() {
    return process.isAlive();
  }

  /** Standard output read so far (for progress and error messages while it runs). */
  public String stdoutSoFar() {
    return out.text();
  }

  /** Standard error read so far. */
  public String stderrSoFar() {
    return err.text();
  }

  /**
   * Waits until the process ends, or kills it when {@code cancel} is cancelled or its deadline
   * passes, whichever comes first.
   */
  public ProcessResult await(Cancellation cancel) {
    try {
      while (!process.waitFor(
          Math.max(1, Math.min(50, cancel.remainingMillis())), TimeUnit.MILLISECONDS)) {
        if (cancel.stop()) {
          kill(cancel.cancelled() ? Stop.CANCELLED : Stop.DEADLINE);
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill(Stop.CANCELLED);
    }
    return result();
  }

  /**
   * Waits up to {@code millis} for the process to end by itself.
   *
   * @return the result, or null when it still runs (it is not killed)
   */
  public ProcessResult awaitFor(long millis) {
    try {
      if (!process.waitFor(Math.max(0, millis), TimeUnit.MILLISECONDS)) {
        return null;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
    return result();
  }

  /** Kills the process and its descendants (SIGTERM, then SIGKILL after the grace period). */
  public void kill(Stop why) {
    if (stopped == null) {
      stopped = why;
    }
    List<ProcessHandle> family = process.descendants().toList();
    family.forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
      process.waitFor(graceMillis, TimeUnit.MILLISECONDS);
      for (ProcessHandle h : family) {
        waitForExit(h, until);
      }
      family.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
      if (process.isAlive()) {
        process.destroyForcibly();
        process.waitFor(graceMillis, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      family.forEach(ProcessHandle::destroyForcibly);
    }
  }

  private static void waitForExit(ProcessHandle h, long untilNanos) throws InterruptedException {
    try {
      h.onExit().get(Math.max(0, untilNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // still running after the grace period: it gets SIGKILL next
    }
  }

  /** Kills the process if it still runs (a listener no longer needed). */
  @Override
  public void close() {
    if (process.isAlive() || process.descendants().findAny().isPresent()) {
      kill(Stop.CANCELLED);
    }
  }

  private ProcessResult result() {
    // a surviving grandchild may hold the pipes open: read what came within a bound
    out.join(DRAIN_MILLIS);
    err.join(DRAIN_MILLIS);
    int code = process.isAlive() ? -1 : process.exitValue();
    return new ProcessResult(
        argv,
        code,
        out.text(),
        err.text(),
        out.truncated() || err.truncated(),
        stopped,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
  }
}
