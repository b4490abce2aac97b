package dev.fabricscope.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The agent's one stderr line: escaped as {@code TerminalText.oneLine} does, cut, never null. */
class CliErrorsTest {

  @Test
  void controlsAreWrittenOutAndTheLineIsCut() {
    assertEquals(
        "boom\\x0asecond \\x1b[2Jline", CliErrors.oneLine("  boom\nsecond \u001b[2Jline\n"));
    String cut = CliErrors.oneLine("A".repeat(100_000));
    assertEquals(303, cut.length());
    assertTrue(cut.endsWith("A..."), cut);
    assertEquals("unknown error", CliErrors.oneLine(null));
  }
}
