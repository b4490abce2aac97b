package dev.fabricscope.agent.bandwidth;

import dev.fabricscope.agent.bandwidth.ProcessResult.Stop;
import dev.fabricscope.bandwidth.Endpoint;
import java.util.Map;

/**
 * The target side of a two-sided test as a running process ({@code iperf3 -s -1}, a perftest
 * server): started, then handed out only once its port is listening.
 */
final class ProcessListener implements Listener {

  /** Turns the finished listener's output into a measurement (null when it prints none). */
  interface OutputReader {
    Measurement read(ProcessResult result) throws HelperException;
  }

  /** How long a listener may take to bind its port. */
  static final long READY_MILLIS = 10_000;

  /** Without /proc's socket tables: a fixed wait, enough for perftest and iperf3 to bind. */
  static final long BLIND_WAIT_MILLIS = 1_000;

  /**
   * How often the start checks for the listening socket: iperf3 listens about 10 ms after its
   * start, and every check is one read of {@code /proc/net/tcp*}, so a short period costs little
   * and keeps the wait off the test's path.
   */
  static final long LISTEN_POLL_MILLIS = 3;

  private final RunningProcess process;
  private final Peer peer;
  private final Cancellation cancel;
  private final OutputReader reader;

  private ProcessListener(
      RunningProcess process, Peer peer, Cancellation cancel, OutputReader reader) {
    this.process = process;
    this.peer = peer;
    this.cancel = cancel;
    this.reader = reader;
  }

  /**
   * Starts the listener and returns once its process listens on {@code peer.port()}.
   *
   * @throws HelperException when it exits first (its own error text is in the message), does not
   *     listen within {@link #READY_MILLIS}, or the test is cancelled meanwhile (it is killed)
   */
  static ProcessListener start(
      ProcessRunner runner,
      CommandLine cmd,
      Map<String, String> env,
      Peer peer,
      Cancellation cancel,
      ListeningSockets sockets,
      OutputReader reader)
      throws HelperException {
    RunningProcess p = runner.start(cmd, env);
    String name = cmd.program().getFileName().toString();
    long until = System.nanoTime() + READY_MILLIS * 1_000_000L;
    long blindUntil = System.nanoTime() + BLIND_WAIT_MILLIS * 1_000_000L;
    boolean canSee = sockets.available();
    while (true) {
      ProcessResult ended = p.awaitFor(LISTEN_POLL_MILLIS);
      if (ended != null) {
        throw new HelperException(
            name
                + " stopped before it listened (exit "
                + ended.exitCode()
                + "): "
                + why(ended, reader));
      }
      if (canSee ? sockets.listening(p.handle(), peer.port()) : System.nanoTime() > blindUntil) {
        watch(p, cancel);
        return new ProcessListener(p, peer, cancel, reader);
      }
      if (cancel.stop() || System.nanoTime() > until) {
        p.kill(cancel.cancelled() ? Stop.CANCELLED : Stop.DEADLINE);
        throw new HelperException(
            name
                + (cancel.cancelled()
                    ? " cancelled"
                    : " did not listen on port " + peer.port() + " in time"));
      }
    }
  }

  /**
   * Kills the listener at its deadline or on cancel even when nobody awaits it (a source side that
   * never came): a listener must not outlive its test.
   */
  private static void watch(RunningProcess p, Cancellation cancel) {
    Thread t =
        new Thread(
            () -> {
              while (p.alive()) {
                if (cancel.stop()) {
                  p.kill(cancel.cancelled() ? Stop.CANCELLED : Stop.DEADLINE);
                  return;
                }
                try {
                  Thread.sleep(100);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "listener-watch-" + p.pid());
    t.setDaemon(true);
    t.start();
  }

  @Override
  public Peer peer() {
    return peer;
  }

  @Override
  public Measurement await(long millis) throws HelperException {
    long until = System.nanoTime() + Math.max(0, millis) * 1_000_000L;
    ProcessResult r;
    while ((r = process.awaitFor(Math.min(50, Math.max(1, millis)))) == null) {
      if (cancel.stop()) {
        r = process.await(cancel);
        break;
      }
      if (System.nanoTime() > until) {
        return null; // still listening: the caller polls again (Listener#await)
      }
    }
    if (r.stopped() != null) {
      throw new HelperException(
          r.program()
              + " listener "
              + (r.stopped() == Stop.CANCELLED ? "cancelled" : "reached its deadline"));
    }
    return reader.read(r);
  }

  /** Whether its process still runs. */
  boolean running() {
    return process.alive();
  }

  @Override
  public void close() {
    process.close();
  }

  /** The tool's own reason, as its output reader words it, else its first line of output. */
  private static String why(ProcessResult r, OutputReader reader) {
    try {
      reader.read(r);
    } catch (HelperException e) {
      return e.getMessage();
    }
    return firstLine(r);
  }

  /** The first non-blank line of stderr, else of stdout, quoted printably. */
  static String firstLine(ProcessResult r) {
    for (String text : new String[] {r.stderr(), r.stdout()}) {
      for (String l : text.split("\n")) {
        if (!l.isBlank()) {
          return "'" + Endpoint.printable(l.strip()) + "'";
        }
      }
    }
    return "(no output)";
  }
}
