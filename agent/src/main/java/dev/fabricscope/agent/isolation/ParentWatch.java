package dev.fabricscope.agent.isolation;

import java.time.Instant;
import java.util.Optional;

/**
 * The child JVM's watch on the agent that started it, named on its command line ({@link #of}: pid
 * and start time). Why not {@code ProcessHandle.current().parent()}: an agent killed right after
 * the start is gone before the child's {@code main} runs, and the parent then is init, which never
 * ends, so a child hanging in the driver lived for good (security review 18, #5); in a PID
 * namespace (the child's containment when the agent is root) the parent is not even visible. The
 * agent's pid and start time name it exactly: a child whose agent is gone, or whose pid now belongs
 * to another process, ends at once.
 */
final class ParentWatch {

  /** How often the agent is looked for: a child outlives its agent by at most this. */
  static final long POLL_MILLIS = 250;

  private ParentWatch() {}

  /** This JVM as a child's command line names its parent: {@code PID:START_MILLIS}. */
  static String identity() {
    ProcessHandle self = ProcessHandle.current();
    return self.pid()
        + ":"
        + self.info().startInstant().map(i -> Long.toString(i.toEpochMilli())).orElse("-");
  }

  /**
   * The agent the identity names, while it is that process: its pid lives and started at the time
   * named ({@code -}: unknown, the pid alone counts); empty for anything else, a malformed identity
   * included.
   */
  static Optional<ProcessHandle> of(String identity) {
    int colon = identity.indexOf(':');
    if (colon < 1 || !identity.substring(0, colon).matches("[1-9][0-9]{0,9}")) {
      return Optional.empty();
    }
    String start = identity.substring(colon + 1);
    if (!start.equals("-") && !start.matches("[0-9]{1,15}")) {
      return Optional.empty();
    }
    Optional<ProcessHandle> h = ProcessHandle.of(Long.parseLong(identity.substring(0, colon)));
    if (start.equals("-")) {
      return h;
    }
    long millis = Long.parseLong(start);
    return h.filter(
        p ->
            p.info()
                .startInstant()
                .map(Instant::toEpochMilli)
                .filter(m -> m == millis)
                .isPresent());
  }

  /**
   * Ends this JVM at once ({@link ChildExit}) unless {@code identity} names a live agent, and
   * whenever that agent ends later. The handle's liveness check compares the start time again, so a
   * pid taken over by another process counts as the agent's end.
   */
  static void watch(String identity) {
    Optional<ProcessHandle> agent = of(identity);
    if (agent.isEmpty()) {
      ChildExit.now(3);
      return;
    }
    ProcessHandle h = agent.get();
    Thread t =
        new Thread(
            () -> {
              try {
                while (h.isAlive()) {
                  Thread.sleep(POLL_MILLIS);
                }
              } catch (InterruptedException e) {
                // not expected: nothing interrupts it; end as if the agent had gone
              }
              ChildExit.now(3);
            },
            "parent-watch");
    t.setDaemon(true);
    t.start();
  }
}
