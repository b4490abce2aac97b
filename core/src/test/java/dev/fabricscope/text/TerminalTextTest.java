package dev.fabricscope.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

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
}
