package dev.fabricscope.agent.isolation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The child JVM's watch on the agent that started it, named on its command line ({@link #of}: pid
 * and start). Why not {@code ProcessHandle.current().parent()}: an agent killed right after the
 * start is gone before the child's {@code main} runs, and the parent then is init, which never
 * ends, so a child hanging in the driver lived for good (security review 18, #5); in a PID
 * namespace (the child's containment when the agent is root) the parent is not even visible. The
 * agent's pid and start name it exactly: a child whose agent is gone, or whose pid now belongs to
 * another process, ends at once, with a line on stderr.
 *
 * <p>The start is field 22 of {@code /proc/PID/stat}, clock ticks since boot, not the wall-clock
 * time the JDK derives from it: each JVM adds the boot time it read at its own start, and a clock
 * step between the agent's start and the child's (chrony at boot, a resumed VM) made every child
 * refuse its agent, so NVML and CUDA were "absent" until a restart (security review 19, #1).
 */
final class ParentWatch {

  /** How often the agent is looked for: a child outlives its agent by at most this. */
  static final long POLL_MILLIS = 250;

  private ParentWatch() {}

  /** This JVM as a child's command line names its parent: {@code PID:START_TICKS}. */
  static String identity() {
    long pid = ProcessHandle.current().pid();
    OptionalLong start = startTicks(pid);
    return pid + ":" + (start.isPresent() ? Long.toString(start.getAsLong()) : "-");
  }

  /**
   * Whether the identity names a live process that is the agent: its pid runs and started at the
   * tick named ({@code -}: unknown, the pid alone counts); false for anything else, a malformed
   * identity included.
   */
  static boolean names(String identity) {
    int colon = identity.indexOf(':');
    if (colon < 1 || !identity.substring(0, colon).matches("[1-9][0-9]{0,9}")) {
      return false;
    }
    String start = identity.substring(colon + 1);
    long pid = Long.parseLong(identity.substring(0, colon));
    if (start.equals("-")) {
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
    if (!start.matches("[0-9]{1,19}")) {
      return false;
    }
    OptionalLong now = startTicks(pid);
    return now.isPresent() && Long.toString(now.getAsLong()).equals(start);
  }

  /**
   * A running process's start in clock ticks since boot; empty when it is gone, a zombie (its
   * parent has not reaped it: it has ended all the same) or unreadable.
   */
  static OptionalLong startTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // the command name (field 2) may hold spaces and parentheses: fields count from its end
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
      return f[0].equals("Z") || f[0].equals("X")
          ? OptionalLong.empty()
          : OptionalLong.of(Long.parseLong(f[19]));
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * Ends this JVM at once ({@link ChildExit}) unless {@code identity} names a live agent, and
   * whenever that agent ends later. Each look reads the start again, so a pid taken over by another
   * process counts as the agent's end. The first look comes before any driver is loaded: the reads
   * the watch makes later then need no native code resolved (a driver hanging in its loading holds
   * the dynamic loader's lock; review 19, #2).
   */
  static void watch(String identity) {
    startTicks(0); // no such process: the path of a gone agent's read, taken once now
    if (!names(identity)) {
      gone(identity);
      return;
    }
    Thread t =
        new Thread(
            () -> {
              try {
                while (names(identity)) {
                  Thread.sleep(POLL_MILLIS);
                }
              } catch (InterruptedException e) {
                // not expected: nothing interrupts it; end as if the agent had gone
              }
              gone(identity);
            },
            "parent-watch");
    t.setDaemon(true);
    t.start();
  }

  private static void gone(String identity) {
    String pid = identity.contains(":") ? identity.substring(0, identity.indexOf(':')) : "?";
    System.err.println(
        "the agent that started this child (pid "
            + (pid.matches("[0-9]{1,10}") ? pid : "?")
            + ") is gone: ending");
    ChildExit.now(3);
  }
}
