package dev.fabricscope.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code topo --input} of lspci text made to make the old importer's patterns backtrack (findings
 * §2: 160,000 blanks took 53.8 s). The README promises hostile input gives one line and exit 2, or
 * a result, promptly; the bound is a limit on pathological input, not a benchmark.
 */
class HostileLspciInputTest {

  static final Duration BOUND = Duration.ofSeconds(10);

  @TempDir Path tmp;

  /** The review's r1 (a tree entry of blanks) and r2 (an lscpu line of blanks) files. */
  @Test
  void aLineOfBlanksIsOneLineAndExitTwo() throws Exception {
    Path r1 =
        Files.writeString(
            tmp.resolve("r1.txt"),
            "-[0000:00]-+-00.0  Intel Corporation Thing"
                + " ".repeat(160_000)
                + "x\n           \\-01.0  Intel Corporation Other\n");
    Path r2 =
        Files.writeString(
            tmp.resolve("r2.txt"),
            "-[0000:00]-+-00.0  Intel Corporation Thing\nVendor ID:           GenuineIntel\n"
                + " ".repeat(40_000)
                + "A\n");
    for (Path p : new Path[] {r1, r2}) {
      InProcess.Result r =
          assertTimeoutPreemptively(BOUND, () -> InProcess.run("topo", "--input", p.toString()));
      assertEquals(2, r.code(), r.err());
      assertEquals("", r.out());
      assertEquals(1, r.err().split("\n", -1).length - 1, "one line: " + r.err());
      assertTrue(r.err().contains("characters long; lspci text lines are at most 4096"), r.err());
    }
  }

  /** Lines just under the limit, one tree entry of blanks per bus: read, and promptly. */
  @Test
  void manyEntriesOfBlanksUnderTheLimitAreRead() throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int bus = 0; bus < 256; bus++) {
      sb.append(String.format("-[0000:%02x]-+-00.0  Intel Corporation Thing", bus))
          .append(" ".repeat(4000))
          .append("x\n");
    }
    Path f = Files.writeString(tmp.resolve("blanks.txt"), sb);
    InProcess.Result r =
        assertTimeoutPreemptively(BOUND, () -> InProcess.run("topo", "--input", f.toString()));
    assertEquals(0, r.code(), r.err());
  }
}
