package dev.fabricscope.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The agent's one stderr line: line breaks as spaces, other controls written out, cut, never null.
 */
class CliErrorsTest {

  @Test
  void controlsAreWrittenOutAndTheLineIsCut() {
    assertEquals("boom second \\x1b[2Jline", CliErrors.oneLine("  boom\nsecond \u001b[2Jline\n"));
    assertEquals("a b\\u2028c", CliErrors.oneLine("a\r\nb\u2028c"));
    String cut = CliErrors.oneLine("A".repeat(100_000));
    assertEquals(1003, cut.length());
    assertTrue(cut.endsWith("A..."), cut);
    assertEquals("unknown error", CliErrors.oneLine(null));
  }
}
