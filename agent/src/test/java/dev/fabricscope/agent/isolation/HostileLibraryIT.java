package dev.fabricscope.agent.isolation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.agent.AgentProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security review 18 against the NVML double's hostile modes ({@code
 * src/test/c/fake_nvml_hostile.c}, {@code FAKE_NVML_FAULT}), through the packaged agent's {@code
 * nvml} command: what the library forks ends with the child (#1), a forged answer is never taken
 * (#2), an answer the child printed stands when the library hangs or crashes at exit (#3), a flood
 * of stderr lines costs a small heap nothing (#4).
 */
class HostileLibraryIT {

  @TempDir Path tmp;
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void tearDown() {
    started.forEach(Process::destroyForcibly);
  }

  record Run(int code, String out, String err, long millis) {}

  private Run nvml(String fault, String heap, String timeout) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (heap != null) {
      cmd.add("-Xmx" + heap);
    }
    cmd.add("-Djna.library.path=" + AgentProcess.TEST_NATIVE);
    cmd.add("-jar");
    cmd.add(jar().toString());
    cmd.addAll(List.of("nvml", "--driver-timeout", timeout));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile());
    pb.environment()
        .putAll(
            Map.of(
                "FAKE_NVML_FAULT",
                fault,
                "FAKE_NVML_DATA",
                "",
                "FAKE_NVML_PIDS",
                tmp.resolve("pids").toString()));
    long t0 = System.nanoTime();
    Process p =
        pb.redirectOutput(tmp.resolve("out").toFile())
            .redirectError(tmp.resolve("err").toFile())
            .start();
    started.add(p);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "nvml hung");
    return new Run(
        p.exitValue(),
        Files.readString(tmp.resolve("out")),
        Files.readString(tmp.resolve("err")),
        (System.nanoTime() - t0) / 1_000_000);
  }

  @Test
  void whatTheLibraryForksEndsWithTheChild() throws Exception {
    Run r = nvml("fork", null, "20s");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("\"nvmlInit: Driver Not Loaded\""), r.out());
    // before: the pipe holders added the 2 s drain
    assertTrue(r.millis() < 8000, r.millis() + " ms");
    List<Long> pids =
        Files.readAllLines(tmp.resolve("pids")).stream().map(Long::parseLong).toList();
    assertEquals(4, pids.size(), "3 children and a daemon recorded");
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (pids.stream().anyMatch(HostileLibraryIT::running) && System.nanoTime() < until) {
      Thread.sleep(50);
    }
    List<Long> left = pids.stream().filter(HostileLibraryIT::running).toList();
    // clean up before failing: these are the double's own sleepers, recorded by host pid
    left.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    assertEquals(List.of(), left, "left behind by the library");
  }

  @Test
  void aForgedAnswerAfterTheChildsOwnIsNotTaken() throws Exception {
    Run r = nvml("forge-late", null, "20s");
    assertEquals(0, r.code(), r.err());
    assertFalse(r.out().contains("FORGED"), r.out());
    assertTrue(r.out().contains("\"nvmlInit: Driver Not Loaded\""), r.out());
    Thread.sleep(1500); // the forger's second: if it lived on, it is gone by now
  }

  @Test
  void aForgedAnswerBeforeTheChildsOwnRefusesBoth() throws Exception {
    Run r = nvml("forge-now", null, "20s");
    assertEquals(0, r.code(), r.err());
    assertFalse(r.out().contains("FORGED"), r.out());
    assertTrue(
        r.out().contains("the NVML reader printed 2 answers: refused as a forgery"), r.out());
  }

  @Test
  void anAnswerStandsWhenTheLibraryHangsAtExit() throws Exception {
    Run r = nvml("exithang", null, "20s");
    assertTrue(r.out().contains("\"nvmlInit: Driver Not Loaded\""), r.out());
    // the child ends without running the library's exit code: no kill, no note
    assertFalse(r.err().contains("after its answer"), r.err());
    assertTrue(r.millis() < 10_000, "waited for the deadline: " + r.millis() + " ms");
  }

  @Test
  void anAnswerStandsWhenTheLibraryCrashesAtExit() throws Exception {
    Run r = nvml("exitcrash", null, "20s");
    assertEquals(0, r.code(), r.err());
    assertFalse(r.err().contains("after its answer"), r.err());
    assertTrue(r.out().contains("\"nvmlInit: Driver Not Loaded\""), r.out());
  }

  /** Before: {@code split} of 4 MiB of "a\n" ran a 96 MiB agent out of memory. */
  @Test
  void aFloodOfStderrLinesCostsASmallHeapNothing() throws Exception {
    Run r = nvml("errlines", "48m", "20s");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("\"the NVML reader exited with 1 (a)\""), r.out());
  }

  static Path jar() {
    return Path.of(System.getProperty("fabricscope.agentJar", "target/fabricscope-agent.jar"))
        .toAbsolutePath();
  }

  private static boolean running(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException e) {
      return false;
    }
  }
}
