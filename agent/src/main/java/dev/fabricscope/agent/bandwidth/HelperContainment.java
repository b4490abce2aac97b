package dev.fabricscope.agent.bandwidth;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
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
 *       setsid} as leader of a process group of its own. While the helper has not been reaped the
 *       whole group is signalled (libc {@code kill(-pgid)} through JNA); after it exited, only the
 *       group's members that provably are its own are killed, each by pid ({@link
 *       #groupLeftovers}): its pid, and so the group id, may already lead someone else's group
 *       (review 17, M5). A child that calls {@code setsid} itself escapes this.
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

    com.sun.jna.NativeLong sysconf(int name);
  }

  /** sysconf's name for the clock ticks per second that {@code /proc/PID/stat} counts in. */
  static final int SC_CLK_TCK = 2;

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

  /** How often a weaker mechanism than a PID namespace is probed again. */
  static final Duration REPROBE = Duration.ofMinutes(10);

  private static final ContainmentRedetection DETECTED =
      new ContainmentRedetection(() -> detect(ExecutableFinder.fromEnvironment()), REPROBE);

  /**
   * The best mechanism this agent can use: probed at the first use (a real namespace start, about 5
   * ms), and again every {@link #REPROBE} while it is not a PID namespace, so that one failed start
   * of {@code unshare} (a transient fork failure, a full PID table) does not leave the agent on the
   * weaker fallback for its whole life (nineteenth security review).
   */
  public static HelperContainment detected() {
    return DETECTED.get(System.nanoTime());
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
   * What {@code /proc/PID/stat} says of a process that group leftovers need: field 5 (process
   * group), 6 (session) and 22 (start, in clock ticks since boot).
   */
  record ProcStat(long pid, long pgrp, long session, long startTicks) {

    /** Parsed from the file's text; empty when it is not one. */
    static Optional<ProcStat> parse(long pid, String stat) {
      try {
        // the command name (field 2) may hold spaces and parentheses: fields count from its end
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return Optional.of(
            new ProcStat(pid, Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[19])));
      } catch (RuntimeException e) {
        return Optional.empty();
      }
    }

    static Optional<ProcStat> read(long pid) {
      try {
        return parse(pid, Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
      } catch (IOException | RuntimeException e) {
        return Optional.empty(); // gone
      }
    }
  }

  /**
   * The members of a helper's process group that are provably its own, among {@code procs}. The
   * helper ran under {@code setsid}, so it led session and group {@code pgid} (its pid), and
   * everything it started and did not move elsewhere has both ids. Once the helper is reaped that
   * number is free for a new process, which may lead a new group and session of the same id; the
   * kernel hands it out again only when no process holds it as group or session any more, and a new
   * holder starts after the helper's reap. So a process counts only when
   *
   * <ul>
   *   <li>its group and session are {@code pgid} and it is not {@code pgid} itself (the helper is
   *       gone; a process with that pid is a newcomer),
   *   <li>it started no earlier than the helper ({@code helperStart}), and
   *   <li>it started no later than the tick in which the helper's exit was seen ({@code exitSeen},
   *       read right as the JDK reaped it): a newcomer's group starts after the reap.
   * </ul>
   *
   * What stays uncertain is a newcomer leading a fresh session within that one tick (10 ms) of the
   * reap, with the pid counter wrapped round to exactly this number; before, the group was
   * signalled up to a grace period, or a listener's whole life, after the reap. A leftover forked
   * by a leftover after the helper's exit is not counted either: it cannot be told from a
   * newcomer's.
   *
   * @param exitSeen the tick the exit was seen in; negative when unknown (then none counts)
   */
  static List<Long> groupLeftovers(
      long pgid, long helperStart, long exitSeen, Collection<ProcStat> procs) {
    if (pgid <= 1 || exitSeen < 0) {
      return List.of();
    }
    return procs.stream()
        .filter(p -> p.pid() != pgid && p.pgrp() == pgid && p.session() == pgid)
        .filter(p -> p.startTicks() >= helperStart && p.startTicks() <= exitSeen)
        .map(ProcStat::pid)
        .toList();
  }

  /** Every process's {@link ProcStat} ({@code /proc}); those that end while listed are left out. */
  static List<ProcStat> processes() {
    List<ProcStat> out = new ArrayList<>();
    try (var dirs = Files.list(Path.of("/proc"))) {
      for (Path d : dirs.toList()) {
        String name = d.getFileName().toString();
        if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
          ProcStat.read(Long.parseLong(name)).ifPresent(out::add);
        }
      }
    } catch (IOException | RuntimeException e) {
      // no /proc: nothing can be proven, so nothing is killed
    }
    return out;
  }

  /**
   * SIGKILLs the helper's provable group leftovers (PROCESS_GROUP only), each by pid after its
   * {@code stat} was read once more and is unchanged (so a member that ended meanwhile and whose
   * pid was taken again is spared).
   *
   * @return how many were signalled
   */
  int killGroupLeftovers(long pgid, long helperStart, long exitSeen) {
    if (mode != Mode.PROCESS_GROUP) {
      return 0;
    }
    List<ProcStat> all = processes();
    int killed = 0;
    for (long pid : groupLeftovers(pgid, helperStart, exitSeen, all)) {
      ProcStat before = all.stream().filter(p -> p.pid() == pid).findFirst().orElseThrow();
      if (ProcStat.read(pid).filter(before::equals).isPresent()
          && libc.kill((int) pid, SIGKILL) == 0) {
        killed++;
      }
    }
    return killed;
  }

  /**
   * A process's start in clock ticks since boot, or -1 when it cannot be read (PROCESS_GROUP only;
   * the caller checks afterwards that the process was still its own when read).
   */
  static long startTicks(long pid) {
    return ProcStat.read(pid).map(ProcStat::startTicks).orElse(-1L);
  }

  /**
   * Now, in the clock ticks of {@link ProcStat#startTicks} ({@code /proc/uptime}, the same boot
   * clock), rounded down; -1 when it cannot be read. Rounding down keeps a process that started
   * after this moment from counting as started before it, except within the same tick.
   */
  long nowTicks() {
    try {
      long hz = libc == null ? 100 : libc.sysconf(SC_CLK_TCK).longValue();
      String up = Files.readString(Path.of("/proc/uptime")).trim().split("\\s+")[0];
      return new java.math.BigDecimal(up)
          .multiply(java.math.BigDecimal.valueOf(hz > 0 ? hz : 100))
          .longValue();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
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
