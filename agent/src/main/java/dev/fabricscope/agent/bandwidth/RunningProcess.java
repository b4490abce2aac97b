package dev.fabricscope.agent.bandwidth;

import dev.fabricscope.agent.bandwidth.ProcessResult.Stop;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A helper process started by {@link ProcessRunner}: its output is read as it comes (bounded), it
 * ends by itself, or is killed on cancel or at the deadline. What it started dies with it, through
 * the runner's {@link HelperContainment}: with a PID namespace the kernel kills the rest when the
 * helper ends, with a process group the group is killed (after the helper's reap only its provable
 * members, by pid), else its descendants (taken before the parent dies: orphans are re-parented and
 * would no longer be found). Killing sends SIGTERM, then SIGKILL to whatever still runs after the
 * grace period.
 */
public final class RunningProcess implements AutoCloseable {

  /**
   * How long the readers get to see the end of a reaped helper's pipes before holders are sought.
   */
  static final long PIPE_EOF_MILLIS = 20;

  /** At most so many searches for the holders of a reaped helper's pipes. */
  static final int PIPE_ROUNDS = 10;

  private final Process process;
  private final List<String> argv;
  private final HelperContainment containment;
  private final BoundedCapture out;
  private final BoundedCapture err;
  private final long startNanos = System.nanoTime();
  private final long graceMillis;
  private volatile Stop stopped;
  private final boolean own;

  /** The last signal {@link #killNamespace} sent the namespace's first process, or 0. */
  private volatile int sentSignal;

  private volatile ProcessHandle helper;

  /** PROCESS_GROUP: the helper's start in clock ticks since boot (0 when it could not be read). */
  private final long helperStartTicks;

  /** Without a PID namespace: the helper's output pipes, to find what holds them after it. */
  private final java.util.Set<String> pipes;

  /** PROCESS_GROUP: completes with the tick the helper's reap was seen in (-1 unknown). */
  private final java.util.concurrent.CompletableFuture<Long> exitSeenTicks;

  RunningProcess(
      Process process,
      List<String> argv,
      HelperContainment containment,
      int maxOutputBytes,
      long graceMillis,
      boolean own) {
    this.process = process;
    this.own = own;
    this.argv = List.copyOf(argv);
    this.containment = containment;
    this.graceMillis = graceMillis;
    String name = "helper-" + process.pid();
    this.out = new BoundedCapture(process.getInputStream(), maxOutputBytes, name + "-out");
    this.err =
        own
            ? new BoundedCapture(
                process.getErrorStream(),
                BoundedCapture.OWN_STDERR_HEAD,
                BoundedCapture.OWN_STDERR_TAIL,
                name + "-err")
            : new BoundedCapture(process.getErrorStream(), maxOutputBytes, name + "-err");
    this.pipes =
        containment.mode() == HelperContainment.Mode.PID_NAMESPACE
            ? java.util.Set.of() // what it leaves ends with the namespace
            : PipeHolders.of(process);
    if (containment.mode() == HelperContainment.Mode.PROCESS_GROUP) {
      long start = HelperContainment.startTicks(process.pid());
      // read while not yet reaped, so the pid was still the helper's: else no lower bound
      this.helperStartTicks = process.isAlive() ? Math.max(0, start) : 0;
      // the clock is read as soon as the JDK has reaped it: the bound for its group's members
      this.exitSeenTicks = process.onExit().thenApply(x -> containment.nowTicks());
    } else {
      this.helperStartTicks = 0;
      this.exitSeenTicks = java.util.concurrent.CompletableFuture.completedFuture(-1L);
    }
  }

  /** The operating system's process id of what was started (with a namespace: {@code unshare}). */
  public long pid() {
    return process.pid();
  }

  /**
   * The helper's own handle, for its descendants and open files: with a PID namespace the child of
   * {@code unshare} (the namespace's first process, seen by its host pid), else the process
   * started; that one until {@code unshare} has forked.
   */
  public ProcessHandle handle() {
    ProcessHandle h = helper;
    if (h != null) {
      return h;
    }
    if (containment.mode() != HelperContainment.Mode.PID_NAMESPACE) {
      return process.toHandle();
    }
    Optional<ProcessHandle> child = process.toHandle().children().findFirst();
    child.ifPresent(c -> helper = c);
    return child.orElse(process.toHandle());
  }

  /** The containment its children are held in. */
  public HelperContainment containment() {
    return containment;
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

  /** Kills the process and what it started (SIGTERM, then SIGKILL after the grace period). */
  public void kill(Stop why) {
    if (stopped == null) {
      stopped = why;
    }
    try {
      switch (containment.mode()) {
        case PID_NAMESPACE -> killNamespace();
        case PROCESS_GROUP -> killGroup();
        case DESCENDANTS -> killDescendants();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /**
   * SIGTERM to the namespace's first process when it handles it, else (or when it outlives the
   * grace) SIGKILL to it and to {@code unshare}: either death makes the kernel kill the namespace.
   */
  private void killNamespace() throws InterruptedException {
    ProcessHandle h = handle();
    boolean inner = h.pid() != process.pid();
    if (inner && HelperContainment.catchesTerm(h.pid())) {
      sentSignal = HelperContainment.SIGTERM;
      h.destroy();
      process.waitFor(graceMillis, TimeUnit.MILLISECONDS);
    }
    if (process.isAlive() && inner) {
      // unshare reaps its child only once the kernel has killed the namespace: wait for that
      sentSignal = HelperContainment.SIGKILL;
      h.destroyForcibly();
      process.waitFor(graceMillis, TimeUnit.MILLISECONDS);
    }
    if (process.isAlive()) {
      process.destroyForcibly(); // --kill-child: also before unshare forked or saw its child
      process.waitFor(graceMillis, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * The group is signalled only while the JDK has not reaped the helper: until then its pid, and so
   * the group id, cannot be anyone else's (left is the instant between the check and the signal).
   * What survives a helper that died is {@link #killLeftovers}'s, by pid and proven.
   */
  private void killGroup() throws InterruptedException {
    if (process.isAlive()) {
      containment.signalGroup(process.pid(), HelperContainment.SIGTERM);
    }
    process.waitFor(graceMillis, TimeUnit.MILLISECONDS);
    if (process.isAlive()) {
      containment.signalGroup(process.pid(), HelperContainment.SIGKILL);
    }
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(graceMillis, TimeUnit.MILLISECONDS);
    }
  }

  private void killDescendants() throws InterruptedException {
    List<ProcessHandle> family = process.descendants().toList();
    family.forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
      process.waitFor(graceMillis, TimeUnit.MILLISECONDS);
      for (ProcessHandle h : family) {
        waitForExit(h, until);
      }
    } finally {
      family.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
      if (process.isAlive()) {
        process.destroyForcibly();
        process.waitFor(graceMillis, TimeUnit.MILLISECONDS);
      }
    }
  }

  /**
   * After the helper ended by itself: what it left behind. A namespace needs nothing (the kernel
   * killed it with its first process); a group's members that are provably the helper's get SIGKILL
   * each ({@link HelperContainment#groupLeftovers}: never the group id itself, which may have
   * passed to another group since the reap); descendants are found no more.
   */
  private void killLeftovers() {
    if (containment.mode() == HelperContainment.Mode.PROCESS_GROUP) {
      long exitSeen;
      try {
        exitSeen = exitSeenTicks.get(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        return; // no bound, no proof: nothing is killed
      }
      containment.killGroupLeftovers(process.pid(), helperStartTicks, exitSeen);
    } else if (containment.mode() == HelperContainment.Mode.DESCENDANTS) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
    }
  }

  private static void waitForExit(ProcessHandle h, long untilNanos) throws InterruptedException {
    try {
      h.onExit().get(Math.max(0, untilNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // still running after the grace period: it gets SIGKILL next
    }
  }

  /** Kills the process if it still runs (a listener no longer needed), and what it left. */
  @Override
  public void close() {
    if (process.isAlive()) {
      kill(Stop.CANCELLED);
    }
    killLeftovers();
    if (!process.isAlive()) {
      killPipeHolders();
    }
  }

  private ProcessResult result() {
    if (!process.isAlive()) {
      killLeftovers();
      killPipeHolders();
    }
    // a surviving grandchild may hold the pipes open: they are closed so the JDK can release them
    BoundedCapture.drain(out, err, own && !process.isAlive());
    if (out.running() || err.running()) {
      closeQuietly(process.getInputStream());
      closeQuietly(process.getErrorStream());
    }
    int code = process.isAlive() ? -1 : process.exitValue();
    UnshareStatus.Ended end =
        containment.mode() == HelperContainment.Mode.PID_NAMESPACE
            ? UnshareStatus.of(code, err.text(), sentSignal)
            : new UnshareStatus.Ended(code, err.text());
    return new ProcessResult(
        argv,
        end.exitCode(),
        out.text(),
        end.stderr(),
        out.truncated() || err.truncated(),
        stopped,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos),
        out.truncated());
  }

  /**
   * What still holds the helper's pipes once it was reaped outlived it (a {@code setsid} child the
   * group's kill missed): killed, so its writes are not read as the helper's and no reader thread
   * waits on it. The readers get a moment for the end of file first: the usual case scans nothing.
   */
  private void killPipeHolders() {
    // rounds: a holder caught between fork and exec may hand the pipe on to a child the scan
    // missed; until the readers see the end, or a scan finds no holder left
    for (int round = 0; round < PIPE_ROUNDS; round++) {
      out.join(PIPE_EOF_MILLIS);
      err.join(PIPE_EOF_MILLIS);
      if (!(out.running() || err.running()) || PipeHolders.kill(pipes).isEmpty()) {
        return;
      }
    }
  }

  private static void closeQuietly(java.io.InputStream in) {
    try {
      in.close();
    } catch (java.io.IOException e) {
      // already closed: nothing held
    }
  }
}
