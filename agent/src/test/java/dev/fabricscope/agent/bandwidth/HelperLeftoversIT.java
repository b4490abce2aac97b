package dev.fabricscope.agent.bandwidth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fabricscope.agent.bandwidth.ProcessResult.Stop;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Review 17's stand-in helper in each of its modes, run by the real runner with the containment
 * this machine allows: afterwards no process carrying the test's marker is left, the test took no
 * drain time, and no {@code helper-*-out/err} thread of it is left in the JVM.
 */
class HelperLeftoversIT {

  /** What the stand-in does; its left-over children carry the marker as their argv[0]. */
  enum Mode {
    EXIT_SETSID, // prints, a setsid child keeps stdout and stderr, exits 0
    EXIT_CHILD, // prints, a plain background child with stdio on /dev/null, exits 0
    TERM_IGNORE, // ignores SIGTERM, a setsid and a plain child, never ends
    HOLD_FD // prints nothing, a setsid child keeps stdout, exits 0
  }

  private static final String STAND_IN =
      """
      #!/bin/bash
      MODE=$1; MARK=$2
      child() { bash -c 'exec -a "$0" sleep 300' "$MARK"; }
      case "$MODE" in
        EXIT_SETSID) echo ok; ( setsid bash -c 'exec -a "$0" sleep 300' "$MARK" & )
          sleep "${LINGER:-0}"; exit 0 ;;
        EXIT_CHILD) echo ok; child </dev/null >/dev/null 2>&1 & sleep "${LINGER:-0}"; exit 0 ;;
        TERM_IGNORE) trap '' TERM
          ( setsid bash -c 'exec -a "$0" sleep 300' "$MARK" </dev/null >/dev/null 2>&1 & )
          child </dev/null >/dev/null 2>&1 &
          while :; do sleep 1; done ;;
        HOLD_FD) ( setsid bash -c 'exec -a "$0" sleep 300' "$MARK" & ); sleep "${LINGER:-0}"; exit 0 ;;
      esac
      """;

  @TempDir static Path dir;
  private static Path standIn;

  @BeforeAll
  static void writeStandIn() throws IOException {
    standIn = dir.resolve("standin.sh");
    Files.writeString(standIn, STAND_IN);
    Files.setPosixFilePermissions(standIn, PosixFilePermissions.fromString("rwx------"));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void nothingOutlivesTheHelper(Mode mode) throws Exception {
    check(new ProcessRunner(1 << 20, 500), mode, 2);
  }

  @ParameterizedTest
  @EnumSource(
      value = Mode.class,
      names = {"EXIT_CHILD", "TERM_IGNORE"})
  void aProcessGroupTakesThePlainChildren(Mode mode) throws Exception {
    // the fallback without a namespace: children that did not call setsid themselves die with it
    var group = ExecutableFinder.fromEnvironment().find("setsid");
    assumeTrue(group.isPresent(), "no setsid here");
    var containment = HelperContainment.processGroup(group.get());
    assumeTrue(containment.isPresent(), "no libc through JNA");
    ProcessRunner runner = new ProcessRunner(1 << 20, 500, containment.get());
    String mark = "fsleft-" + UUID.randomUUID();
    ProcessResult r = runner.run(command(mode, mark), Map.of(), Cancellation.within(2));
    assertEquals(mode == Mode.TERM_IGNORE ? Stop.DEADLINE : null, r.stopped());
    long until = System.currentTimeMillis() + 2000;
    List<Long> left;
    // the group's SIGKILL is sent; the kernel delivers it before the next check at the latest
    while (!(left = marked(mark)).stream().allMatch(p -> setsidChild(p))
        && System.currentTimeMillis() < until) {
      Thread.sleep(20);
    }
    left.forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly));
    assertTrue(left.size() <= (mode == Mode.TERM_IGNORE ? 1 : 0), "left: " + left);
  }

  /**
   * Without a namespace, a setsid child that kept the helper's stdout or stderr is found by the
   * pipe it holds and killed: no process left, no reader thread waiting on it, no drain time.
   * Before, it lived on and pinned a reader thread (the open point of review 18's fix). Only a
   * setsid child with its standard streams elsewhere ({@code TERM_IGNORE}) stays out of reach.
   */
  @ParameterizedTest
  @EnumSource(Mode.class)
  void aProcessGroupAlsoTakesWhatHoldsThePipes(Mode mode) throws Exception {
    checkGroup(mode, mode == Mode.TERM_IGNORE ? 2 : 5);
  }

  /** The process-group fallback through many random modes and deadlines, several at once. */
  @Test
  void manyRandomModeCombinationsInAProcessGroup() throws Exception {
    randomRounds(8, HelperLeftoversIT::checkGroup);
  }

  /** One stand-in run in {@code mode} within {@code deadlineSeconds}, checked. */
  interface Check {
    void run(Mode mode, int deadlineSeconds) throws Exception;
  }

  /**
   * {@code rounds} rounds of one to three stand-ins at once, each in a random mode with a random
   * deadline of 1 or 2 s; the first failure fails the test, with the seed to repeat it.
   */
  private static void randomRounds(int rounds, Check check) throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    for (int i = 0; i < rounds; i++) {
      int n = 1 + random.nextInt(3);
      List<Thread> threads = new ArrayList<>();
      List<Throwable> failures = new ArrayList<>();
      for (int k = 0; k < n; k++) {
        Mode mode = Mode.values()[random.nextInt(Mode.values().length)];
        int deadline = 1 + random.nextInt(2);
        Thread t =
            new Thread(
                () -> {
                  try {
                    check.run(mode, deadline);
                  } catch (Throwable e) {
                    synchronized (failures) {
                      failures.add(new AssertionError("seed " + seed + ", " + mode, e));
                    }
                  }
                });
        t.start();
        threads.add(t);
      }
      for (Thread t : threads) {
        t.join();
      }
      assertTrue(failures.isEmpty(), () -> failures.get(0) + ": " + failures.get(0).getCause());
    }
  }

  private static void checkGroup(Mode mode, int deadlineSeconds) throws Exception {
    var group = ExecutableFinder.fromEnvironment().find("setsid");
    assumeTrue(group.isPresent(), "no setsid here");
    var containment = HelperContainment.processGroup(group.get());
    assumeTrue(containment.isPresent(), "no libc through JNA");
    ProcessRunner runner = new ProcessRunner(1 << 20, 300, containment.get());
    String mark = "fsleft-" + UUID.randomUUID();
    long t0 = System.nanoTime();
    // alive for a moment: the runner reads its pipes while it runs (PipeHolders), and a group
    // member counts as the helper's when it started before the helper's end was seen; a helper
    // gone within milliseconds of its start races both on a loaded machine
    RunningProcess p = runner.start(command(mode, mark), Map.of("LINGER", "0.3"));
    long pid = p.pid();
    ProcessResult r = p.await(Cancellation.within(deadlineSeconds));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    long until = System.currentTimeMillis() + 2000;
    List<Long> left;
    // SIGKILLs are sent; the kernel delivers them before the next check at the latest
    while ((left = marked(mark)).size() > (mode == Mode.TERM_IGNORE ? 1 : 0)
        && System.currentTimeMillis() < until) {
      Thread.sleep(20);
    }
    left.forEach(q -> ProcessHandle.of(q).ifPresent(ProcessHandle::destroyForcibly));
    assertTrue(left.size() <= (mode == Mode.TERM_IGNORE ? 1 : 0), mode + " left: " + left);
    if (mode == Mode.TERM_IGNORE) {
      assertEquals(Stop.DEADLINE, r.stopped());
    } else {
      assertEquals(0, r.exitCode(), mode + ": " + r.stderr());
      assertEquals(mode == Mode.HOLD_FD ? "" : "ok\n", r.stdout());
      assertTrue(ms < 1500, mode + " took " + ms + " ms: the drain waited");
    }
    long threadsUntil = System.currentTimeMillis() + 2000;
    List<String> threads;
    while (!(threads = outputThreads(pid)).isEmpty() && System.currentTimeMillis() < threadsUntil) {
      Thread.sleep(20);
    }
    assertEquals(List.of(), threads, mode + ": output threads left");
  }

  private static List<String> outputThreads(long pid) {
    return Thread.getAllStackTraces().keySet().stream()
        .map(Thread::getName)
        .filter(n -> n.startsWith("helper-" + pid + "-"))
        .toList();
  }

  @Test
  void manyRandomModeCombinations() throws Exception {
    ProcessRunner runner = new ProcessRunner(1 << 20, 300);
    randomRounds(12, (mode, deadline) -> check(runner, mode, deadline));
  }

  /**
   * A helper that dies by a signal of its own (a crash) behind unshare: the JVM's {@code 128 +
   * signal} where unshare passes it on, else unshare's status with the death said in words, never a
   * plain "exit 1" with unshare's own complaint as the helper's error.
   */
  @Test
  void aHelperKilledByItsOwnSignalIsNotAPlainExit() throws Exception {
    ProcessRunner runner = new ProcessRunner(1 << 20, 300);
    assumeTrue(
        runner.containment().mode() == HelperContainment.Mode.PID_NAMESPACE,
        "no PID namespace for helpers here (not root?)");
    // a real fault: the helper is PID 1 of its namespace, where a signal sent with kill is ignored
    var python = ExecutableFinder.fromEnvironment().find("python3");
    assumeTrue(python.isPresent(), "no python3 here");
    Path crash = dir.resolve("crash.sh");
    Files.writeString(
        crash,
        "#!/bin/bash\necho before\nexec "
            + python.get()
            + " -c 'import ctypes; ctypes.string_at(0)'\n");
    Files.setPosixFilePermissions(crash, PosixFilePermissions.fromString("rwx------"));
    ProcessResult r = runner.run(CommandLine.of(crash), Map.of(), Cancellation.within(5));
    assertEquals(null, r.stopped());
    assertEquals("before\n", r.stdout());
    if (r.exitCode() == 1) {
      assertEquals(UnshareStatus.SIGNAL_UNKNOWN + "\n", r.stderr());
    } else {
      assertEquals(128 + 11, r.exitCode(), r.stderr());
      assertEquals("", r.stderr());
    }
  }

  private static void check(ProcessRunner runner, Mode mode, int deadlineSeconds) throws Exception {
    assumeTrue(
        runner.containment().mode() == HelperContainment.Mode.PID_NAMESPACE,
        "no PID namespace for helpers here (not root?)");
    String mark = "fsleft-" + UUID.randomUUID();
    long t0 = System.nanoTime();
    RunningProcess p = runner.start(command(mode, mark), Map.of());
    long pid = p.pid();
    ProcessResult r = p.await(Cancellation.within(deadlineSeconds));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    List<Long> left = marked(mark);
    left.forEach(q -> ProcessHandle.of(q).ifPresent(ProcessHandle::destroyForcibly));
    assertEquals(List.of(), left, mode + ": processes of the stand-in left");
    if (mode == Mode.TERM_IGNORE) {
      assertEquals(Stop.DEADLINE, r.stopped());
      // SIGKILL, as the JVM reports it, also behind util-linux 2.38's unshare (UnshareStatus)
      assertEquals(137, r.exitCode(), mode + ": " + r.stderr());
      // no handler: SIGKILL at once, not after the grace
      assertTrue(ms < deadlineSeconds * 1000L + 1000, mode + " took " + ms + " ms");
    } else {
      assertEquals(0, r.exitCode(), mode + ": " + r.stderr());
      assertEquals(mode == Mode.HOLD_FD ? "" : "ok\n", r.stdout());
      assertTrue(ms < 1500, mode + " took " + ms + " ms: the drain waited");
    }
    assertEquals("", r.stderr());
    List<String> threads =
        Thread.getAllStackTraces().keySet().stream()
            .map(Thread::getName)
            .filter(n -> n.startsWith("helper-" + pid + "-"))
            .toList();
    assertEquals(List.of(), threads, "output threads left");
  }

  private static CommandLine command(Mode mode, String mark) {
    return CommandLine.of(standIn).value(mode.name()).value(mark);
  }

  /** Pids whose command line carries the marker (the stand-in and its children). */
  static List<Long> marked(String mark) throws IOException {
    List<Long> out = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.toList()) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
          if (cmd.contains(mark)) {
            out.add(Long.parseLong(name));
          }
        } catch (IOException e) {
          // ended while listed
        }
      }
    }
    return out;
  }

  /**
   * Whether the process leads a session of its own (a setsid escapee, out of the group's reach).
   */
  private static boolean setsidChild(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[3]) == pid; // field 6, session id
    } catch (IOException | RuntimeException e) {
      return true; // gone
    }
  }
}
