package dev.fabricscope.agent.isolation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.agent.bandwidth.ProcessResult;
import dev.fabricscope.agent.bandwidth.ProcessResult.Stop;
import dev.fabricscope.text.TerminalText;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Thousands of generated child endings through {@link ChildOutcome#of}: the one-answer rule (none,
 * one, several marked lines, whole or cut, before or after noise, under every ending), and stderr
 * of every shape (many short lines, blank lines, long lines, control characters) read with bounded
 * memory (security review 18, #2 to #4).
 */
class ChildOutcomeGeneratedTest {

  private static final String CRASH =
      "#\n# A fatal error has been detected by the Java Runtime Environment:\n#\n"
          + "# Problematic frame:\n# C  [libnvidia-ml.so.1+0x1792]  nvmlInit_v2+0x192\n#\n";
  private static final String[] NOISE = {
    "", "hello\n", "OpenJDK warning: x\n", CRASH, "\u001b[31mred\n", "x\ty\r\n", "a " + "m\n"
  };

  @Test
  void exactlyOneWholeAnswerIsTakenWhateverTheEnding() {
    Random rnd = new Random(18);
    for (int i = 0; i < 20_000; i++) {
      Duration deadline = Duration.ofMillis(1 + rnd.nextInt(120_000));
      Stop stop =
          switch (rnd.nextInt(5)) {
            case 0 -> Stop.DEADLINE;
            case 1 -> Stop.CANCELLED;
            default -> null;
          };
      int code = rnd.nextInt(4) == 0 ? rnd.nextInt(256) : 0;
      int marked = rnd.nextInt(8) == 0 ? 2 + rnd.nextInt(3) : rnd.nextInt(2);
      boolean lastWhole = rnd.nextInt(4) != 0;
      StringBuilder out = new StringBuilder(NOISE[rnd.nextInt(NOISE.length)]);
      String answer = null;
      for (int k = 0; k < marked; k++) {
        answer = "{\"n\":" + rnd.nextInt() + ",\"s\":\"" + "\u00e9".repeat(rnd.nextInt(3)) + "\"}";
        boolean whole = k < marked - 1 || lastWhole;
        out.append(ChildOutcome.MARKER).append(answer).append(whole ? "\n" : "");
        if (whole) {
          out.append(NOISE[rnd.nextInt(NOISE.length)]);
        }
      }
      boolean outCut = rnd.nextInt(6) == 0;
      boolean errCut = rnd.nextInt(3) == 0;
      String err = NOISE[rnd.nextInt(NOISE.length)] + "\u0007".repeat(rnd.nextInt(2));
      ProcessResult r =
          new ProcessResult(
              List.of("java"), code, out.toString(), err, outCut || errCut, stop, 1, outCut);
      ChildOutcome o = ChildOutcome.of(r, deadline, "the NVML reader", 4096);
      String c = "case " + i + ": " + r;
      assertTrue((o.answer() == null) != (o.why() == null), c);
      boolean taken = stop != Stop.CANCELLED && marked == 1 && lastWhole && !outCut;
      if (taken) {
        assertEquals(answer, o.answer(), c);
        assertEquals(stop == Stop.DEADLINE || code != 0, o.note() != null, c);
      } else if (stop == Stop.CANCELLED) {
        assertEquals("the NVML reader was stopped", o.why(), c);
      } else if (marked > 1) {
        assertEquals(
            "the NVML reader printed " + marked + " answers: refused as a forgery",
            o.why().substring(0, o.why().indexOf(" (")),
            c);
      } else if (stop == Stop.DEADLINE) {
        assertEquals("no answer within " + ChildOutcome.seconds(deadline), o.why(), c);
      } else if (code != 0) {
        assertTrue(o.why().startsWith("the NVML reader exited with " + code), c);
        assertEquals(
            o.why().contains("crashed in native code"),
            out.toString().contains(CRASH) || err.contains(CRASH),
            c);
      } else {
        assertTrue(o.why().startsWith("the NVML reader "), c);
      }
      for (String line : new String[] {o.why(), o.note()}) {
        if (line != null) {
          assertTrue(line.length() <= ChildOutcome.MAX_WHY, c);
          assertFalse(line.chars().anyMatch(ch -> TerminalText.steers((char) ch)), c);
        }
      }
    }
  }

  /**
   * Stderr of random shapes up to 4 MiB: the reason names its last non-blank line (as a naive split
   * finds it, for the shapes small enough to split), and reading it allocates a few times the line
   * at most, never per line (a split of 4 MiB of "a\n" took about 100 MB).
   */
  @Test
  void anyStderrIsReadWithBoundedMemory() {
    Random rnd = new Random(4);
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    String[] pieces = {"a\n", "\n", " \n", "\r\n", "long line " + "x".repeat(500) + "\n", "\u001b"};
    for (int i = 0; i < 300; i++) {
      StringBuilder err = new StringBuilder();
      int size = rnd.nextInt(5) == 0 ? 4 << 20 : rnd.nextInt(4096);
      String piece = pieces[rnd.nextInt(pieces.length)];
      while (err.length() < size) {
        err.append(rnd.nextInt(10) == 0 ? pieces[rnd.nextInt(pieces.length)] : piece);
      }
      String text = err.toString();
      ProcessResult r = new ProcessResult(List.of("java"), 1, "", text, false, null, 1);
      long before = mx.getCurrentThreadAllocatedBytes();
      ChildOutcome o = ChildOutcome.of(r, Duration.ofSeconds(30), "the NVML reader", 4096);
      long allocated = mx.getCurrentThreadAllocatedBytes() - before;
      String c = "case " + i + " (" + text.length() + " chars)";
      assertTrue(allocated < 256 << 10, c + ": allocated " + allocated + " bytes");
      if (text.length() < 100_000) {
        String last = null;
        for (String line : text.split("\n")) {
          last = line.isBlank() ? last : line.strip();
        }
        String expected =
            last == null
                ? "the NVML reader exited with 1"
                : ChildOutcome.failed("the NVML reader exited with 1 (" + last + ")").why();
        assertEquals(expected, o.why(), c);
      }
      assertTrue(o.why().length() <= ChildOutcome.MAX_WHY, c);
    }
  }
}
