package dev.fabricscope.agent.bandwidth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.agent.bandwidth.CommandLine.Arg;
import dev.fabricscope.agent.bandwidth.CommandLine.Kind;
import dev.fabricscope.agent.bandwidth.ProcessResult.Stop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real processes ({@code /bin/sh}, {@code sleep}, {@code env}) under the runner's rules. */
class ProcessRunnerTest {

  private static final Path SH = Path.of("/bin/sh");
  private static final Path SLEEP = Path.of("/bin/sleep");

  @Test
  void capturesBothStreamsAndTheExitCode() throws Exception {
    ProcessRunner runner = new ProcessRunner();
    ProcessResult out =
        runner.run(
            CommandLine.of(Path.of("/bin/echo")).value("hello"), Map.of(), Cancellation.within(10));
    assertTrue(out.ok());
    assertEquals("hello\n", out.stdout());
    ProcessResult err =
        runner.run(
            CommandLine.of(SH).option("-c").value("no_such_command_here"),
            Map.of(),
            Cancellation.within(10));
    assertEquals(127, err.exitCode());
    assertTrue(err.stderr().contains("no_such_command_here: not found"), err.stderr());
    assertNull(err.stopped());
    assertEquals(2, runner.starts());
  }

  @Test
  void theOwnChildRunsInRootWithoutJvmOptionsOrALoaderPathIntoTheWorkingFolder() throws Exception {
    Map<String, String> base = new java.util.HashMap<>();
    base.put("LD_LIBRARY_PATH", ":/usr/local/cuda/lib64;lib::./x:/opt/nv");
    base.put("JAVA_TOOL_OPTIONS", "-agentlib:jdwp=transport=dt_socket,server=y,address=5005");
    base.put("JDK_JAVA_OPTIONS", "-Xmx4g");
    base.put("_JAVA_OPTIONS", "-javaagent:/opt/apm.jar");
    base.put("CUDA_VISIBLE_DEVICES", "0,1");
    base.put("PATH", ProcessRunner.PATH);
    RunningProcess p =
        ProcessRunner.forOwnChildren(1 << 20, 500)
            .startOwn(List.of("/bin/sh", "-c", "pwd; env"), Path.of("/"), base);
    ProcessResult r = p.await(Cancellation.within(10));
    List<String> lines = r.stdout().lines().toList();
    assertEquals("/", lines.get(0), r.stdout());
    assertTrue(lines.contains("LD_LIBRARY_PATH=/usr/local/cuda/lib64:/opt/nv"), r.stdout());
    assertTrue(lines.contains("CUDA_VISIBLE_DEVICES=0,1"), r.stdout());
    assertTrue(lines.stream().noneMatch(l -> l.matches("(JAVA_TOOL|JDK_JAVA|_JAVA)_OPTIONS=.*")));
  }

  @Test
  void manyGeneratedLibraryPathsKeepOnlyTheirAbsoluteEntries() {
    long seed = System.nanoTime();
    java.util.Random random = new java.util.Random(seed);
    String[] pieces = {
      "", "/usr/lib64", "/usr/local/cuda/lib64", "lib", ".", "./x", "..", "$ORIGIN", "/a b", "~/lib"
    };
    for (int i = 0; i < 2000; i++) {
      StringBuilder ld = new StringBuilder();
      List<String> absolute = new ArrayList<>();
      int n = random.nextInt(6);
      for (int k = 0; k < n; k++) {
        if (k > 0) {
          ld.append(random.nextInt(4) == 0 ? ';' : ':');
        }
        String piece = pieces[random.nextInt(pieces.length)];
        ld.append(piece);
        if (piece.startsWith("/")) {
          absolute.add(piece);
        }
      }
      Map<String, String> env = new java.util.HashMap<>();
      env.put("LD_LIBRARY_PATH", ld.toString());
      if (random.nextBoolean()) {
        env.put(ProcessRunner.JVM_OPTION_VARIABLES.get(random.nextInt(3)), "-Xmx1g");
      }
      ProcessRunner.ownChildEnvironment(env);
      String why = "seed " + seed + ": " + ld;
      assertEquals(
          absolute.isEmpty() ? null : String.join(":", absolute), env.get("LD_LIBRARY_PATH"), why);
      ProcessRunner.JVM_OPTION_VARIABLES.forEach(v -> assertFalse(env.containsKey(v), why));
      // no entry glibc would resolve against the working folder is left
      String kept = env.getOrDefault("LD_LIBRARY_PATH", "/");
      assertTrue(
          java.util.Arrays.stream(kept.split("[:;]", -1)).allMatch(e -> e.startsWith("/")), why);
    }
  }

  @Test
  void environmentIsCleanAndMinimal() throws Exception {
    ProcessResult r =
        new ProcessRunner()
            .run(
                CommandLine.of(Path.of("/usr/bin/env")),
                Map.of("CUDA_DEVICE_ORDER", "PCI_BUS_ID"),
                Cancellation.within(10));
    List<String> vars = r.stdout().lines().sorted().toList();
    assertEquals(
        List.of("CUDA_DEVICE_ORDER=PCI_BUS_ID", "LC_ALL=C", "PATH=" + ProcessRunner.PATH), vars);
  }

  @Test
  void stdinIsClosed() throws Exception {
    // cat copies stdin to stdout: with stdin closed it ends at once with nothing
    ProcessResult r =
        new ProcessRunner()
            .run(CommandLine.of(Path.of("/bin/cat")), Map.of(), Cancellation.within(5));
    assertTrue(r.ok());
    assertEquals("", r.stdout());
    assertTrue(r.elapsedMillis() < 4000, "cat did not wait for input");
  }

  @Test
  void deadlineKillsSleepWithinIt() throws Exception {
    long t0 = System.nanoTime();
    ProcessResult r =
        new ProcessRunner(1 << 20, 500)
            .run(CommandLine.of(SLEEP).value("60"), Map.of(), Cancellation.within(1));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(Stop.DEADLINE, r.stopped());
    assertFalse(r.ok());
    assertTrue(ms >= 950 && ms < 3000, "killed after " + ms + " ms");
  }

  @Test
  void cancelKillsTheProcessAndItsChildren(@TempDir Path dir) throws Exception {
    // a parent that does not pass SIGTERM on: sh waits for its child sleep, and when sh dies the
    // orphaned sleep would live on unless the runner kills the descendants it saw
    Path script = dir.resolve("fork.sh");
    Files.writeString(script, "#!/bin/sh\n/bin/sleep 60\ntrue\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    ProcessRunner runner = new ProcessRunner(1 << 20, 500);
    RunningProcess p = runner.start(CommandLine.of(script), Map.of());
    long until = System.currentTimeMillis() + 3000;
    while (p.handle().descendants().findAny().isEmpty() && System.currentTimeMillis() < until) {
      Thread.sleep(20);
    }
    List<ProcessHandle> family = new ArrayList<>(p.handle().descendants().toList());
    assertEquals(1, family.size(), "sh started sleep");
    family.add(p.handle());
    Cancellation cancel = Cancellation.within(60);
    Thread canceller =
        new Thread(
            () -> {
              sleep(300);
              cancel.cancel();
            });
    canceller.start();
    long t0 = System.nanoTime();
    ProcessResult r = p.await(cancel);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(Stop.CANCELLED, r.stopped());
    assertTrue(ms < 3000, "cancel took " + ms + " ms");
    for (ProcessHandle h : family) {
      // an orphan is gone once init reaps it: wait for that, not for the signal
      assertTrue(
          h.onExit().toCompletableFuture().completeOnTimeout(null, 2, TimeUnit.SECONDS).get()
              != null,
          "still alive: " + h.pid());
    }
  }

  @Test
  void closeKillsAListenerThatStillRuns() throws Exception {
    RunningProcess p =
        new ProcessRunner(1 << 20, 500).start(CommandLine.of(SLEEP).value("60"), Map.of());
    assertTrue(p.alive());
    p.close();
    assertFalse(p.alive());
  }

  @Test
  void outputIsBoundedAndTheProcessIsNotBlocked() throws Exception {
    // head copies 10 MB of zeros to stdout: the runner keeps 4 KiB, reads and drops the rest,
    // so head is never blocked on a full pipe and ends by itself
    ProcessResult r =
        new ProcessRunner(4096, 500)
            .run(
                CommandLine.of(Path.of("/usr/bin/head"))
                    .option("-c")
                    .value("10000000")
                    .value("/dev/zero"),
                Map.of(),
                Cancellation.within(20));
    assertTrue(r.ok(), "exit " + r.exitCode());
    assertTrue(r.truncated());
    assertEquals(4096, r.stdout().length());
  }

  @Test
  void partsBuiltDirectlyAreCheckedBeforeAnyStart() {
    ProcessRunner runner = new ProcessRunner();
    List<List<String>> seen = new ArrayList<>();
    runner.onStart(seen::add);
    List<List<Arg>> hostile =
        List.of(
            List.of(new Arg(Kind.VALUE, "--output=/etc/x")),
            List.of(new Arg(Kind.VALUE, "-x")),
            List.of(new Arg(Kind.VALUE, "a;reboot")),
            List.of(new Arg(Kind.VALUE, "$(id)")),
            List.of(new Arg(Kind.VALUE, "`id`")),
            List.of(new Arg(Kind.VALUE, "a\nb")),
            List.of(new Arg(Kind.VALUE, "a b")),
            List.of(new Arg(Kind.VALUE, "a\u0000b")),
            List.of(new Arg(Kind.VALUE, "")),
            List.of(new Arg(Kind.VALUE, "x".repeat(CommandLine.MAX_ARG + 1))),
            List.of(new Arg(Kind.OPTION, "--output=/etc/x")),
            List.of(new Arg(Kind.OPTION, "-d;id")),
            List.of(new Arg(Kind.OPTION, "value")));
    for (List<Arg> args : hostile) {
      CommandLine cmd = CommandLine.of(Path.of("/bin/echo"), args);
      HelperException e =
          assertThrows(HelperException.class, () -> runner.start(cmd, Map.of()), args.toString());
      assertTrue(e.getMessage().startsWith("refused to start echo"), e.getMessage());
      assertFalse(e.getMessage().contains("\n"));
    }
    assertThrows(
        HelperException.class,
        () -> runner.start(CommandLine.of(Path.of("bin/echo"), List.of()), Map.of()));
    assertThrows(
        HelperException.class,
        () -> runner.start(CommandLine.of(Path.of("/bin/../bin/echo"), List.of()), Map.of()));
    assertThrows(
        HelperException.class,
        () -> runner.start(CommandLine.of(Path.of("/bin/echo")), Map.of("LD_PRELOAD", "/tmp/x;y")));
    assertThrows(
        HelperException.class,
        () -> runner.start(CommandLine.of(Path.of("/bin/echo")), Map.of("bad name", "x")));
    assertEquals(0, runner.starts());
    assertTrue(seen.isEmpty());
  }

  @Test
  void nothingStartsAfterCancel() {
    ProcessRunner runner = new ProcessRunner();
    Cancellation c = Cancellation.within(60);
    c.cancel();
    assertThrows(
        HelperException.class, () -> runner.run(CommandLine.of(SLEEP).value("1"), Map.of(), c));
    assertEquals(0, runner.starts());
  }

  @Test
  void missingProgramIsAHelperException() {
    ProcessRunner runner = new ProcessRunner();
    HelperException e =
        assertThrows(
            HelperException.class,
            () ->
                runner.run(
                    CommandLine.of(Path.of("/nonexistent/iperf3")),
                    Map.of(),
                    Cancellation.within(5)));
    assertTrue(e.getMessage().startsWith("could not start /nonexistent/iperf3"), e.getMessage());
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
