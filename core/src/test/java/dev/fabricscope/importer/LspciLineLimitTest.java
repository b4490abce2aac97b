package dev.fabricscope.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.topology.Report;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * lspci text is at most {@link LspciTextImporter#MAX_LINES} lines (thirteenth security review: 16
 * MiB of one-character lines, 16 KB gzipped, became eight million strings and took a 512 MiB
 * server's heap). A real host's {@code lspci -tvnn} padded with blank lines to the bound and one
 * past it, with both line ends.
 */
class LspciLineLimitTest {

  static String rig;
  static int rigFunctions;

  @BeforeAll
  static void readRig() throws Exception {
    rig =
        Fixtures.read(
            Fixtures.root()
                .resolve("sysfs/ghw-linux-amd64-61797caf7c0b6bca1725ad7975ed4773.lspci-tvnn.txt"));
    rigFunctions = LspciTextImporter.read(rig, "rig").pci().size();
    assertTrue(rigFunctions > 10, rigFunctions + " functions");
  }

  /**
   * The rig's text followed by blank lines up to {@code lines} lines in all, each ended by {@code
   * end} (as wc -l counts them).
   */
  private static String padded(int lines, String end) {
    String text = rig.endsWith("\n") ? rig : rig + "\n";
    int have = (int) text.chars().filter(c -> c == '\n').count();
    return text.replace("\n", end) + end.repeat(lines - have);
  }

  @Test
  void upToTheBoundTheTextReadsAsBefore() throws Exception {
    for (String end : new String[] {"\n", "\r\n"}) {
      Report r = LspciTextImporter.read(padded(LspciTextImporter.MAX_LINES, end), "padded");
      assertEquals(rigFunctions, r.pci().size(), end.length() + "-character line ends");
      // the same lines, the last one without its line end
      String unended = padded(LspciTextImporter.MAX_LINES, end);
      unended = unended.substring(0, unended.length() - end.length());
      assertEquals(rigFunctions, LspciTextImporter.read(unended, "unended").pci().size());
    }
  }

  @Test
  void oneLineMoreIsRefusedSayingWhy() {
    for (String end : new String[] {"\n", "\r\n"}) {
      ImportException e =
          assertThrows(
              ImportException.class,
              () -> LspciTextImporter.read(padded(LspciTextImporter.MAX_LINES + 1, end), "big"));
      assertTrue(e.getMessage().contains("more than 1000000 lines"), e.getMessage());
      // a line past the limit's last line end, even without an end of its own
      String oneMore = padded(LspciTextImporter.MAX_LINES, end) + "x";
      assertThrows(ImportException.class, () -> LspciTextImporter.read(oneMore, "big"));
    }
  }

  @Test
  void theReviewsSixteenMebibytesOfOneCharacterLinesAreRefused() {
    String hostile = "a\n".repeat(8 << 20);
    ImportException e =
        assertThrows(ImportException.class, () -> LspciTextImporter.read(hostile, "lines.txt"));
    assertTrue(e.getMessage().startsWith("lines.txt: more than"), e.getMessage());
  }
}
