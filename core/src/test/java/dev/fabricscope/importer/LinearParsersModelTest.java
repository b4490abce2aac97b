package dev.fabricscope.importer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fabricscope.topology.HostNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The one-pass parsers that replaced backtracking patterns (findings §2) against those patterns,
 * kept here as the reference: on many random SHORT texts, where the patterns are quick, both must
 * give the same result. The texts are made of the pieces each pattern cares about (blanks of every
 * kind, line terminators, colons, brackets, digits, the patterns' words), so edge cases such as a
 * value of only blanks or a {@code $} before a final terminator come up often.
 */
class LinearParsersModelTest {

  static final Pattern OLD_LSCPU_FIELD = Pattern.compile("^\\s*([A-Za-z()\\- ]+):\\s+(.+?)\\s*$");
  static final Pattern OLD_TREE_IDS = Pattern.compile("\\s*\\[([0-9a-f]{4}):([0-9a-f]{4})\\]$");
  static final Pattern OLD_PROGIF =
      Pattern.compile(" \\(prog-if ([0-9a-f]{2})(?: \\[[^\\]]*\\])?\\)");
  static final Pattern OLD_LINK = Pattern.compile("Speed (\\d+(?:\\.\\d+)?)GT/s.*?, Width x(\\d+)");
  static final Pattern OLD_ATS = Pattern.compile("Enable([+-]).*Smallest Translation Unit: (\\d+)");
  static final Pattern OLD_LABEL = Pattern.compile("^([A-Za-z][A-Za-z0-9 ]*?):\\s*(.*)$");
  static final Pattern OLD_TOKEN = Pattern.compile("(\\w+)([+-])");

  static final String[] PIECES = {
    " ",
    " ",
    "  ",
    "\t",
    "\r",
    "\n",
    "\u000B",
    "\f",
    "\u0085",
    "\u2028",
    ":",
    ": ",
    "a",
    "Z",
    "(",
    ")",
    "-",
    "_",
    "+",
    "1",
    "42",
    ".",
    "5",
    "[",
    "]",
    "x",
    "8086",
    "[8086:1234]",
    "[10de:",
    "Vendor",
    "CPU family",
    "Speed ",
    "Speed 8GT/s",
    "GT/s",
    ", Width x",
    ", Width x16",
    "Enable+",
    "Enable-",
    "Smallest Translation Unit: ",
    " (prog-if ",
    "0a",
    " (prog-if 01 [AHCI])",
    " [",
    "9",
    "mlx5_"
  };

  static final int CASES = 40_000;

  /** A random text of up to {@code max} pieces; the seed is fixed so a failure reproduces. */
  static String text(Random r, int max) {
    StringBuilder sb = new StringBuilder();
    int n = r.nextInt(max + 1);
    for (int i = 0; i < n; i++) {
      sb.append(PIECES[r.nextInt(PIECES.length)]);
    }
    return sb.toString();
  }

  @Test
  void lscpuFieldAgreesWithItsPattern() {
    Random r = new Random(1);
    for (int i = 0; i < CASES; i++) {
      String s = text(r, 8);
      Matcher m = OLD_LSCPU_FIELD.matcher(s);
      String[] want = m.matches() ? new String[] {m.group(1).trim(), m.group(2)} : null;
      assertArrayEquals(want, LscpuHost.field(s), () -> "input " + escaped(s));
    }
  }

  @Test
  void treeIdsAgreeWithTheirPattern() {
    Random r = new Random(2);
    for (int i = 0; i < CASES; i++) {
      String s = text(r, 8);
      Matcher m = OLD_TREE_IDS.matcher(s);
      String[] want =
          m.find() ? new String[] {m.group(1), m.group(2), s.substring(0, m.start())} : null;
      assertArrayEquals(want, LspciTextImporter.treeIds(s), () -> "input " + escaped(s));
    }
  }

  @Test
  void progIfAgreesWithItsPattern() {
    Random r = new Random(3);
    for (int i = 0; i < CASES; i++) {
      String s = text(r, 10);
      Matcher m = OLD_PROGIF.matcher(s);
      Integer value = m.find() ? Integer.parseInt(m.group(1), 16) : null;
      var want = new LspciVerboseFields.ProgIf(value, m.replaceAll(""));
      assertEquals(want, LspciVerboseFields.progIf(s), () -> "input " + escaped(s));
    }
  }

  @Test
  void linkSpeedAndWidthAgreeWithTheirPattern() {
    Random r = new Random(4);
    for (int i = 0; i < CASES; i++) {
      String s = text(r, 10);
      Matcher m = OLD_LINK.matcher(s);
      String[] want = m.find() ? new String[] {m.group(1), m.group(2)} : null;
      assertArrayEquals(want, LspciVerboseFields.speedWidth(s), () -> "input " + escaped(s));
    }
  }

  @Test
  void atsControlAgreesWithItsPattern() {
    Random r = new Random(5);
    for (int i = 0; i < CASES; i++) {
      String s = text(r, 10);
      Matcher m = OLD_ATS.matcher(s);
      String[] want = m.find() ? new String[] {m.group(1), m.group(2)} : null;
      assertArrayEquals(want, LspciVerboseFields.atsControl(s), () -> "input " + escaped(s));
    }
  }

  @Test
  void labelAndTokenPatternsAgreeWithTheOldOnes() {
    Random r = new Random(6);
    for (int i = 0; i < CASES; i++) {
      String s = text(r, 8);
      Matcher o = OLD_LABEL.matcher(s);
      Matcher n = LspciVerboseReader.LABEL.matcher(s);
      boolean om = o.matches();
      assertEquals(om, n.matches(), () -> "label " + escaped(s));
      if (om) {
        assertEquals(o.group(1) + "|" + o.group(2), n.group(1) + "|" + n.group(2), escaped(s));
      }
      assertEquals(finds(OLD_TOKEN, s), finds(LspciVerboseReader.TOKEN, s), () -> escaped(s));
    }
  }

  @Test
  void driverNamesAndSanitizedHostNamesAgreeWithTheirPatterns() {
    Random r = new Random(7);
    for (int i = 0; i < CASES; i++) {
      String s = text(r, 6);
      assertEquals(
          s.replaceAll("_?\\d+$", ""), HwlocOsDevices.withoutIndex(s), () -> "name " + escaped(s));
      assertEquals(oldSanitize(s), HostNames.sanitize(s), () -> "host " + escaped(s));
    }
  }

  /** HostNames.sanitize as it was, with its patterns. */
  static Optional<String> oldSanitize(String text) {
    StringBuilder out = new StringBuilder();
    for (String label : text.replaceAll("[^A-Za-z0-9_.-]", "-").split("\\.")) {
      String l = label.replaceAll("^-+|-+$", "");
      if (l.length() > 63) {
        l = l.substring(0, 63).replaceAll("-+$", "");
      }
      if (l.isEmpty()) {
        continue;
      }
      if (out.length() + l.length() + 1 > HostNames.MAX_LENGTH) {
        break;
      }
      if (out.length() > 0) {
        out.append('.');
      }
      out.append(l);
    }
    return out.length() == 0 ? Optional.empty() : Optional.of(out.toString());
  }

  static List<String> finds(Pattern p, String s) {
    List<String> out = new ArrayList<>();
    Matcher m = p.matcher(s);
    while (m.find()) {
      out.add(m.start() + ":" + m.group(1) + m.group(2));
    }
    return out;
  }

  /** The input with every character outside printable ASCII written as a Java escape. */
  static String escaped(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      sb.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
    }
    return sb.append('"').toString();
  }
}
