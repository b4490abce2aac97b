package dev.fabricscope.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.p2p.P2pAnalyzer;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.topology.SyntheticHosts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code topo} and {@code explain} refuse a report of more than {@link
 * P2pAnalyzer#MAX_MATRIX_DEVICES} matrix devices as bad input (one line, exit 2), as the server's
 * {@code /p2p} does: a review ran {@code topo} on 2,000 GPUs and NICs out of a 512 MiB heap, with a
 * stack trace and exit 1. Synthetic hosts: every endpoint is one matrix device.
 */
class MatrixBoundTest {

  private static final int MAX = P2pAnalyzer.MAX_MATRIX_DEVICES;

  @TempDir Path tmp;

  private String report(int devices) throws Exception {
    Path p = tmp.resolve("host-" + devices + ".json");
    if (!Files.exists(p)) {
      Files.writeString(p, ReportJson.write(SyntheticHosts.nestedSwitches("h", devices)));
    }
    return p.toString();
  }

  private static void assertRefused(InProcess.Result r, int devices) {
    assertEquals(2, r.code(), r.err());
    assertEquals("", r.out());
    String err = r.err().strip();
    assertFalse(err.contains("\n"), "one line expected: " + err);
    assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
    assertTrue(err.contains(devices + " matrix devices"), err);
    assertTrue(err.contains("up to " + MAX), err);
  }

  @Test
  void topoJustOverTheBoundIsBadInput() throws Exception {
    assertRefused(InProcess.run("topo", "--input", report(MAX + 1)), MAX + 1);
    assertRefused(InProcess.run("topo", "--input", report(MAX + 1), "--format", "json"), MAX + 1);
  }

  @Test
  void explainJustOverTheBoundIsBadInput() throws Exception {
    assertRefused(InProcess.run("explain", "--input", report(MAX + 1), "GPU0", "NIC0"), MAX + 1);
  }

  @Test
  void explainAtTheBoundAnswers() throws Exception {
    InProcess.Result r = InProcess.run("explain", "--input", report(MAX), "GPU0", "NIC0");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("GPU0"), r.out());
  }

  /**
   * topo's check at the bound lets the host through (the whole matrix of 2,000 devices takes about
   * 40 s here, so it is not run; the generated test runs topo in full on small hosts).
   */
  @Test
  void topoAtTheBoundPassesTheCheck() throws Exception {
    var report = SyntheticHosts.nestedSwitches("h", MAX);
    assertEquals(MAX, MatrixBound.analyzer(report, "topo", "h").devices().size());
  }

  /**
   * Generated: sizes on both sides of the bound and small hosts; each command answers exactly when
   * the host is within it (topo is run in full only on small hosts: a whole matrix at the bound is
   * the test above).
   */
  @Test
  void generatedSizesAreAnsweredExactlyWithinTheBound() throws Exception {
    Random rnd = new Random(5);
    for (int i = 0; i < 12; i++) {
      int n = i % 3 == 0 ? 3 + rnd.nextInt(40) : MAX - 6 + rnd.nextInt(13);
      String input = report(n);
      InProcess.Result explain = InProcess.run("explain", "--input", input, "GPU0", "NIC0");
      if (n > MAX) {
        assertRefused(explain, n);
        assertRefused(InProcess.run("topo", "--input", input), n);
      } else {
        assertEquals(0, explain.code(), n + ": " + explain.err());
        if (n < 100) {
          InProcess.Result topo = InProcess.run("topo", "--input", input, "--format", "json");
          assertEquals(0, topo.code(), n + ": " + topo.err());
        }
      }
    }
  }
}
