package dev.fabricscope.agent.bandwidth;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * How the agent makes sure that nothing a helper started outlives the helper's test. A helper may
 * fork, double-fork, {@code setsid} or be a wrapper script; its orphans are re-parented to init and
 * are no longer its descendants, so looking for them through {@link ProcessHandle#descendants()}
 * finds nothing once the helper itself has exited (review 17: left-over children held the output
 * pipes, pinned two agent threads each and added 4 s to every test). Three mechanisms, the best one
 * that works here chosen once per agent:
 *
 * <ul>
 *   <li>{@link Mode#PID_NAMESPACE}: the helper runs as PID 1 of a PID namespace of its own, through
 *       util-linux's {@code unshare --pid --fork --kill-child}. When that first process dies, for
 *       whatever reason, the kernel SIGKILLs every other process in the namespace, setsid'd or
 *       re-parented alike, and {@code --kill-child} kills it when {@code unshare} itself is killed.
 *       Needs CAP_SYS_ADMIN (an agent that runs helpers runs as root); probed by a real start.
 *   <li>{@link Mode#PROCESS_GROUP}: without that, the helper starts under util-linux's {@code
 *       setsid} as leader of a process group of its own, and the whole group is signalled (libc
 *       {@code kill(-pgid)} through JNA), also after the helper exited by itself. A child that
 *       calls {@code setsid} itself escapes this.
 *   <li>{@link Mode#DESCENDANTS}: neither tool present: the helper's descendants as the JDK sees
 *       them, only while the helper still runs.
 * </ul>
 */
public final class HelperContainment {

  /** Which mechanism; see the class comment. */
  public enum Mode {
    PID_NAMESPACE,
    PROCESS_GROUP,
    DESCENDANTS
  }

  /** libc's kill(2), for a process group (the JDK signals single processes only). */
  interface LibC extends Library {
    int kill(int pid, int sig);
  }

  static final int SIGTERM = 15;
  static final int SIGKILL = 9;

  /** The line util-linux 2.38's unshare prints when its child died by a signal (its own bug). */
  static final String UNSHARE_SIGNAL_NOISE =
      "unshare: sigprocmask unblock failed: Invalid argument";

  private final Mode mode;
  private final Path tool;
  private final LibC libc;

  private HelperContainment(Mode mode, Path tool, LibC libc) {
    this.mode = mode;
    this.tool = tool;
    this.libc = libc;
  }

  /** A PID namespace per helper, through this {@code unshare}. */
  static HelperContainment pidNamespace(Path unshare) {
    return new HelperContainment(Mode.PID_NAMESPACE, unshare, null);
  }

  /** A process group per helper, through this {@code setsid}; empty without libc. */
  static Optional<HelperContainment> processGroup(Path setsid) {
    try {
      return Optional.of(
          new HelperContainment(Mode.PROCESS_GROUP, setsid, Native.load("c", LibC.class)));
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Only the JDK's view of the helper's descendants. */
  static HelperContainment descendants() {
    return new HelperContainment(Mode.DESCENDANTS, null, null);
  }

  private static final class Detected {
    static final HelperContainment INSTANCE = detect(ExecutableFinder.fromEnvironment());
  }

  /** The best mechanism this agent can use, probed once (a real namespace start, about 5 ms). */
  public static HelperContainment detected() {
    return Detected.INSTANCE;
  }

  static HelperContainment detect(ExecutableFinder finder) {
    Optional<Path> unshare = finder.find("unshare");
    if (unshare.isPresent() && namespaceWorks(unshare.get())) {
      return pidNamespace(unshare.get());
    }
    return finder.find("setsid").flatMap(HelperContainment::processGroup).orElse(descendants());
  }

  /** Starts {@code unshare … -- unshare --version}: fails without CAP_SYS_ADMIN or in a jail. */
  static boolean namespaceWorks(Path unshare) {
    List<String> argv = new HelperContainment(Mode.PID_NAMESPACE, unshare, null).wrap(List.of());
    argv.add(unshare.toString());
    argv.add("--version");
    try {
      Process p =
          new ProcessBuilder(argv)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      p.getOutputStream().close();
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public Mode mode() {
    return mode;
  }

  /**
   * The argument vector actually started: the wrapper's fixed options, {@code --}, then the
   * helper's vector unchanged (still no shell; {@code --} ends the wrapper's own options).
   */
  List<String> wrap(List<String> argv) {
    List<String> out = new ArrayList<>();
    switch (mode) {
      case PID_NAMESPACE ->
          out.addAll(List.of(tool.toString(), "--pid", "--fork", "--kill-child", "--"));
      case PROCESS_GROUP -> out.addAll(List.of(tool.toString(), "--"));
      case DESCENDANTS -> {}
    }
    out.addAll(argv);
    return out;
  }

  /**
   * Signals the process group led by {@code pgid} (PROCESS_GROUP only); false when none is left.
   */
  boolean signalGroup(long pgid, int signal) {
    return mode == Mode.PROCESS_GROUP && pgid > 1 && libc.kill((int) -pgid, signal) == 0;
  }

  /**
   * Whether the process has a handler for SIGTERM ({@code SigCgt} in its status). A namespace's PID
   * 1 gets from outside only the signals it handles, so a helper without a handler is killed at
   * once (which is what SIGTERM's default action would have done) instead of after a useless grace.
   */
  static boolean catchesTerm(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("SigCgt:")) {
          return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << (SIGTERM - 1)))
              != 0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone already, or no /proc: SIGKILL it is
    }
    return false;
  }

  @Override
  public String toString() {
    return mode + (tool == null ? "" : " (" + tool + ")");
  }
}
