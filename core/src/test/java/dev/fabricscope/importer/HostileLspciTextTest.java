package dev.fabricscope.importer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.topology.HostNames;
import dev.fabricscope.topology.Report;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * lspci text made to make the old patterns backtrack (findings §2): each case, about 200k
 * characters, took the old code from many seconds to hours and now ends well within the bound. The
 * bound is a correctness limit on pathological input, not a benchmark. Each case also checks the
 * ordinary input of the same shape still reads as before.
 */
class HostileLspciTextTest {

  static final Duration BOUND = Duration.ofSeconds(5);
  static final int N = 200_000;

  @Test
  void treeIdsAfterALongRunOfBlanks() {
    String hostile = "Intel Corporation Thing" + " ".repeat(N) + "x";
    assertNull(assertTimeoutPreemptively(BOUND, () -> LspciTextImporter.treeIds(hostile)));
    String blanks = "Intel Corporation Thing" + " ".repeat(N) + "[8086:1234]";
    assertArrayEquals(
        new String[] {"8086", "1234", "Intel Corporation Thing"},
        assertTimeoutPreemptively(BOUND, () -> LspciTextImporter.treeIds(blanks)));
    assertArrayEquals(
        new String[] {"15b3", "101b", "Mellanox Technologies MT28908 Family [ConnectX-6]"},
        LspciTextImporter.treeIds("Mellanox Technologies MT28908 Family [ConnectX-6] [15b3:101b]"));
  }

  @Test
  void lscpuFieldOfALineOfBlanks() {
    String hostile = " ".repeat(N) + "A";
    assertNull(assertTimeoutPreemptively(BOUND, () -> LscpuHost.field(hostile)));
    // a NEL (U+0085) ends a line for '.', so the value cannot take it: no match, after O(n²) before
    String colon = " ".repeat(N) + "A:" + " ".repeat(N) + "\u0085B";
    assertNull(assertTimeoutPreemptively(BOUND, () -> LscpuHost.field(colon)));
    assertArrayEquals(new String[] {"CPU family", "25"}, LscpuHost.field("CPU family:   25  "));
    assertArrayEquals(
        new String[] {"Model name", "AMD EPYC 7763 64-Core Processor"},
        LscpuHost.field("  Model name:            AMD EPYC 7763 64-Core Processor"));
  }

  @Test
  void linkSpeedRepeatedWithoutAWidth() {
    String hostile = "Speed 8GT/s ".repeat(N / 12);
    assertNull(assertTimeoutPreemptively(BOUND, () -> LspciVerboseFields.speedWidth(hostile)));
    assertArrayEquals(
        new String[] {"16", "16"},
        LspciVerboseFields.speedWidth("Port #0, Speed 16GT/s, Width x16, ASPM L1, Exit Latency"));
  }

  @Test
  void atsEnableRepeatedWithoutAUnit() {
    String hostile = "Enable+ ".repeat(N / 8);
    assertNull(assertTimeoutPreemptively(BOUND, () -> LspciVerboseFields.atsControl(hostile)));
    assertArrayEquals(
        new String[] {"-", "00"},
        LspciVerboseFields.atsControl("Enable-, Smallest Translation Unit: 00"));
  }

  @Test
  void progIfRepeatedWithoutItsBracket() {
    String hostile = " (prog-if 00 [".repeat(N / 14);
    var p = assertTimeoutPreemptively(BOUND, () -> LspciVerboseFields.progIf(hostile));
    assertNull(p.value());
    var ok = LspciVerboseFields.progIf("SATA controller (prog-if 01 [AHCI 1.0]) (rev 02)");
    assertEquals(new LspciVerboseFields.ProgIf(1, "SATA controller (rev 02)"), ok);
  }

  @Test
  void acsTokenInALongWordAndALabelOfBlanks() {
    String word = "a".repeat(N);
    assertEquals(
        List.of(),
        assertTimeoutPreemptively(
            BOUND, () -> LinearParsersModelTest.finds(LspciVerboseReader.TOKEN, word)));
    String label = "LnkCap:" + " ".repeat(N) + "x\ry";
    assertTimeoutPreemptively(BOUND, () -> LspciVerboseReader.LABEL.matcher(label).matches());
    assertEquals(
        List.of("0:SrcValid+", "10:TransBlk-"),
        LinearParsersModelTest.finds(LspciVerboseReader.TOKEN, "SrcValid+ TransBlk-"));
  }

  @Test
  void driverNameAndHostNameOfLongRuns() {
    String digits = "1".repeat(N) + "x";
    assertEquals(
        digits, assertTimeoutPreemptively(BOUND, () -> HwlocOsDevices.withoutIndex(digits)));
    assertEquals("mlx5", HwlocOsDevices.withoutIndex("mlx5_0"));
    String dashes = "a" + "-".repeat(N) + "b";
    // the label is cut to 63 characters, "a" and dashes, and the dashes trimmed
    assertEquals(
        Optional.of("a"), assertTimeoutPreemptively(BOUND, () -> HostNames.sanitize(dashes)));
    assertEquals(Optional.of("node-1.example"), HostNames.sanitize("-node 1-.example"));
  }

  /** The review's r1 file: a tree line far over the line limit is refused, at once. */
  @Test
  void aLineOverTheLimitIsRefused() {
    String r1 =
        "-[0000:00]-+-00.0  Intel Corporation Thing"
            + " ".repeat(160_000)
            + "x\n           \\-01.0  Intel Corporation Other\n";
    ImportException e =
        assertThrows(
            ImportException.class,
            () -> assertTimeoutPreemptively(BOUND, () -> LspciTextImporter.read(r1, "r1.txt")));
    assertEquals(
        "r1.txt: line 1 is 160043 characters long; lspci text lines are at most 4096",
        e.getMessage());
    String limit = "-[0000:00]-+-00.0  Intel Corporation Thing" + " ".repeat(4000) + "x\n";
    assertTimeoutPreemptively(BOUND, () -> LspciTextImporter.read(limit, "ok.txt"));
  }

  /**
   * Generated: many random hostile lines, each under the line limit (runs of blanks, repeated "
   * lm", Speed and Enable words, brackets, colons, tabs), mixed into a real page's lspci text.
   * Every file reads, or is refused with an ImportException, within the bound.
   */
  @Test
  void randomHostileLinesAmongRealLinesEndWithinTheBound() {
    String page = Fixtures.read(NcclAndLspciImporterTest.PUGET);
    List<String> real = page.lines().toList();
    String[] repeated = {
      " ", "\t", " lm", "Speed 8GT/s ", "Enable+ ", " (prog-if 00 [", "[", ":", "a", "1", "-"
    };
    String[] heads = {"", "\t", "        ", "Vendor ID: x", "\tLnkCap:\t", "\tACSCap:\t", "-+-"};
    Random r = new Random(9);
    for (int file = 0; file < 12; file++) {
      List<String> lines = new ArrayList<>(real);
      for (int k = 0; k < 300; k++) {
        String rep = repeated[r.nextInt(repeated.length)];
        String head = heads[r.nextInt(heads.length)];
        int times = r.nextInt((LspciTextImporter.MAX_LINE_CHARS - head.length()) / rep.length());
        String line = head + rep.repeat(times) + (r.nextBoolean() ? "x" : "");
        lines.add(r.nextInt(lines.size() + 1), line.substring(0, Math.min(line.length(), 4096)));
      }
      String text = String.join("\n", lines);
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      assertTimeoutPreemptively(
          BOUND,
          () -> {
            try {
              Report rep = Importers.parse(bytes, "generated.txt");
              assertTrue(rep.pci().size() >= 0);
            } catch (ImportException e) {
              assertTrue(e.getMessage().startsWith("generated.txt: "), e.getMessage());
            }
          },
          "file " + file);
    }
  }
}
