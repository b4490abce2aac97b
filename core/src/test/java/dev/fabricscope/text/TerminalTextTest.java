package dev.fabricscope.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What {@link TerminalText} escapes, one case at a time and over every UTF-16 unit. */
class TerminalTextTest {

  @Test
  void textWithoutControlsIsLeftAsItIs() {
    String plain = "GPU0\tX \tNODE\nnvme0  Samsung SSD 990 PRO 2TB — é, 中文\n";
    assertSame(plain, TerminalText.escape(plain));
    assertEquals(
        "a\\x1bb\\x7fc\\u0085d\\u2066e", TerminalText.escape("a\u001bb\u007fc\u0085d\u2066e"));
  }

  /** Every char of the Basic Multilingual Plane, alone and amid text: none that steers survives. */
  @Test
  void everyCharacterIsShownOrEscaped() {
    for (char c = 0; c < 0xffff; c++) {
      String s = "x" + c + "y";
      String e = TerminalText.escape(s);
      boolean steers = TerminalText.steers(c);
      assertEquals(!steers, e.equals(s), "U+" + Integer.toHexString(c));
      for (int i = 0; i < e.length(); i++) {
        assertFalse(TerminalText.steers(e.charAt(i)), "U+" + Integer.toHexString(c));
      }
    }
  }

  /** A server's problem detail that would forge a log line (the agent review's repro). */
  @Test
  void oneLineEscapesLineBreaksAndStaysOnOneLine() {
    String forged = "boom\n2026-01-01T00:00:00.000Z job 1 result status=200 FORGED LINE\r\nsecond";
    assertEquals(
        "boom\\x0a2026-01-01T00:00:00.000Z job 1 result status=200 FORGED LINE\\x0d\\x0asecond",
        TerminalText.oneLine(forged, 200));
    assertEquals(
        "a\\x09b\\u2028c\\u2029d\\x1b[2J", TerminalText.oneLine("a\tb\u2028c\u2029d\u001b[2J", 99));
    assertEquals("plain, é 中文", TerminalText.oneLine("plain, é 中文", 200));
    assertEquals("null", TerminalText.oneLine(null, 200));
  }

  @Test
  void oneLineCutsAtTheLimitButNeverInsideAnEscapeOrACharacter() {
    assertEquals("abc", TerminalText.oneLine("abc", 3));
    assertEquals("ab...", TerminalText.oneLine("abcd", 2));
    assertEquals("a...", TerminalText.oneLine("a\nb", 4)); // \x0a would pass the limit
    assertEquals("a\\x0a...", TerminalText.oneLine("a\nbc", 5));
    assertEquals("a...", TerminalText.oneLine("a\uD83D\uDE00b", 2)); // not half an emoji
    assertEquals("a\uD83D\uDE00...", TerminalText.oneLine("a\uD83D\uDE00b", 3));
  }

  /** Random text full of controls: one line, nothing that steers, bounded, the rest kept. */
  @Test
  void oneLineOfGeneratedTextHasNoControlAndKeepsItsBound() {
    java.util.Random rnd = new java.util.Random(20261207);
    char[] pool = {
      '\n', '\r', '\t', 0, 0x1b, 0x7f, 0x85, 0x9b, 0x2028, 0x2029, 0x202e, 'x', ' ', 'é'
    };
    for (int i = 0; i < 20_000; i++) {
      StringBuilder b = new StringBuilder();
      int n = rnd.nextInt(300);
      for (int j = 0; j < n; j++) {
        b.append(rnd.nextInt(3) == 0 ? pool[rnd.nextInt(pool.length)] : (char) rnd.nextInt(0x3000));
      }
      String text = b.toString();
      int max = 1 + rnd.nextInt(250);
      String line = TerminalText.oneLine(text, max);
      assertTrue(line.length() <= max + 3, line.length() + " > " + max);
      assertEquals(1, line.lines().count() + (line.isEmpty() ? 1 : 0), line);
      for (int k = 0; k < line.length(); k++) {
        char c = line.charAt(k);
        assertFalse(
            TerminalText.steers(c) || c < 0x20 || c == 0x2028 || c == 0x2029,
            "U+" + Integer.toHexString(c));
      }
      String escapedWhole = TerminalText.oneLine(text, Integer.MAX_VALUE);
      assertTrue(
          line.equals(escapedWhole)
              || line.endsWith("...")
                  && escapedWhole.startsWith(line.substring(0, line.length() - 3)),
          "a prefix of the whole line, cut with ...");
    }
  }

  /** flatten: line breaks and tabs become one space, nothing else is touched, null reads ifNull. */
  @Test
  void flattenJoinsLinesWithOneSpaceAndEscapesNothing() {
    assertEquals(
        "dlopen failed: no such file",
        TerminalText.flatten(" dlopen failed:\r\n\tno such file\n", "x"));
    assertEquals("a b c", TerminalText.flatten("a\n\nb\tc", "x"));
    assertEquals("esc \u001b[2J stays", TerminalText.flatten("esc \u001b[2J stays", "x"));
    assertEquals("unknown", TerminalText.flatten(null, "unknown"));
    assertEquals("", TerminalText.flatten("\n\t", "x"));
  }
}
