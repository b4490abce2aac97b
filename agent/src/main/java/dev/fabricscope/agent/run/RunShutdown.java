package dev.fabricscope.agent.run;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@code run} command's shutdown hook, installed before its first scan. A JVM stopped by a
 * signal exits 143 once the hooks are done; a service manager should see a clean stop, so the hook
 * stops what runs, waits for the command to close its resources (spool lock, an unpacked {@code
 * --fsroot} tree), logs one line and halts with 0 itself. Before, the hook came only after the
 * first scan and the helpers' detection (up to a driver timeout each): a SIGTERM then exited 143
 * without a word, where the README says 0 (eighteenth security review).
 *
 * <p>A throwable no thread of the command caught ({@link #uncaught}: an {@link OutOfMemoryError} in
 * a scan or a job, a job loop that died) stops the command the same way, with one line and exit 1:
 * a half-dead agent (reporting, but no longer taking jobs; its state unknown after an error of the
 * JVM) is worse than one its service manager restarts. Before, the thread died with a stack trace
 * and the agent ran on without it.
 */
final class RunShutdown {

  private final CountDownLatch finished = new CountDownLatch(1);
  private final AtomicBoolean exited = new AtomicBoolean();
  private final AtomicBoolean requested = new AtomicBoolean();
  private final long graceMillis;
  private final AgentLog log;
  private final PrintStream err;
  private volatile RunLoop loop;
  private volatile JobLoop jobs;
  private volatile Sender sender;
  private volatile int status; // 0 for a stop by signal, 1 after a fatal throwable

  private final Runnable exitOne;

  /**
   * @param exitOne starts the JVM's exit with status 1 (tests: records it)
   */
  RunShutdown(long graceMillis, AgentLog log, PrintStream err, Runnable exitOne) {
    this.graceMillis = graceMillis;
    this.log = log;
    this.err = err;
    this.exitOne = exitOne;
  }

  /** A hook, registered with the JVM. */
  static RunShutdown install(long graceMillis, AgentLog log, PrintStream err) {
    RunShutdown s = new RunShutdown(graceMillis, log, err, () -> System.exit(1));
    Runtime.getRuntime().addShutdownHook(new Thread(s::onSignal, "agent-shutdown"));
    return s;
  }

  /**
   * The loop, the job loop (or null) and the sender exist now: a stop from here on stops them.
   *
   * @return false when a stop came first: the command returns without starting the loop
   */
  boolean running(RunLoop loop, JobLoop jobs, Sender sender) {
    this.jobs = jobs;
    this.sender = sender;
    this.loop = loop;
    // read after the write: the hook writes requested before it reads loop (both volatile), so
    // either it sees this loop and stops it, or this sees its request
    return !requested.get();
  }

  /** Whether a stop was asked for: the start-up's steps check it between them. */
  boolean requested() {
    return requested.get();
  }

  /** The command has returned and closed its resources: from the command's {@code finally}. */
  void exited() {
    exited.set(true);
    finished.countDown();
  }

  /**
   * The default uncaught-exception handler while the command runs: logs one line and exits 1
   * through the hook (which stops the loops and waits for the clean-up as for a signal).
   */
  void uncaught(Thread thread, Throwable e) {
    status = 1;
    try {
      log.info(
          "run: "
              + FatalLine.of(e, Runtime.getRuntime().maxMemory())
              + " on thread "
              + thread.getName()
              + ": stopping (exit 1)");
    } catch (Throwable again) {
      // no memory even for the line: the exit code still says it
    }
    if (!requested.get()) {
      exitOne.run(); // blocks this thread while the hooks run; the hook halts with the status
    }
  }

  /** The status the hook halts with: 0 for a stop, 1 once a thread died of a throwable. */
  int status() {
    return status;
  }

  private void onSignal() {
    requested.set(true);
    if (exited.get() && status == 0) {
      return; // the command returned first: the JVM exits with its code
    }
    RunLoop l = loop;
    JobLoop j = jobs;
    if (l != null) {
      l.stop();
    }
    if (j != null) {
      j.stop(); // running helpers see the cancellation and kill their processes
    }
    try {
      if (!finished.await(graceMillis, TimeUnit.MILLISECONDS)) {
        Sender s = sender;
        if (s != null) {
          s.abort();
        }
        finished.await(2, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info(
        l == null
            ? "stopped before the first report was sent"
            : "stopped: " + l.depth() + " report(s) left in the spool");
    err.flush();
    Runtime.getRuntime().halt(status);
  }
}
