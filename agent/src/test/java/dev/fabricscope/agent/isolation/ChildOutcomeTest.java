package dev.fabricscope.agent.isolation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.agent.bandwidth.ProcessResult;
import dev.fabricscope.agent.bandwidth.ProcessResult.Stop;
import dev.fabricscope.text.TerminalText;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every way a child can end, mapped to an answer or a reason: the fixed cases of review 17 (a hang,
 * a JVM crash in the driver) and thousands of generated ones (random deadlines, exit codes, output
 * before and after the answer, answers cut by the bound, control characters).
 */
class ChildOutcomeTest {

  private static final String CRASH =
      "#\n# A fatal error has been detected by the Java Runtime Environment:\n#\n"
          + "#  SIGSEGV (0xb) at pc=0x00007fe65de8d792, pid=11772, tid=11773\n#\n"
          + "# Problematic frame:\n# C  [libnvidia-ml.so.1+0x1792]  nvmlInit_v2+0x192\n#\n";

  private static ProcessResult result(int code, String out, String err, boolean cut, Stop stop) {
    return new ProcessResult(List.of("java"), code, out, err, cut, stop, 1);
  }

  private static ChildOutcome of(ProcessResult r) {
    return ChildOutcome.of(r, Duration.ofSeconds(30), "the NVML reader", 100);
  }

  @Test
  void aHangIsNoAnswerWithinTheDeadline() {
    ChildOutcome o = of(result(143, "", "", false, Stop.DEADLINE));
    assertNull(o.answer());
    assertEquals("no answer within 30 s", o.why());
    assertEquals(
        "no answer within 1.5 s",
        ChildOutcome.of(result(137, "", "", false, Stop.DEADLINE), Duration.ofMillis(1500), "x", 1)
            .why());
    assertEquals("200 ms", ChildOutcome.seconds(Duration.ofMillis(200)));
  }

  @Test
  void aJvmCrashNamesTheFrameFromEitherStream() {
    String frame = "crashed in native code: C [libnvidia-ml.so.1+0x1792] nvmlInit_v2+0x192)";
    assertEquals(
        "the NVML reader exited with 1 (" + frame, of(result(1, CRASH, "", false, null)).why());
    assertEquals(
        "the NVML reader exited with 134 (SIGABRT; " + frame,
        of(result(134, "", CRASH, false, null)).why());
    assertEquals(
        "the NVML reader exited with 139 (SIGSEGV)", of(result(139, "", "", false, null)).why());
    assertEquals(
        "the NVML reader exited with 1 (Error: Could not find or load main class X)",
        of(result(1, "", "Warning\nError: Could not find or load main class X\n", false, null))
            .why());
  }

  @Test
  void theAnswerIsTheLastWholeMarkedLine() {
    String m = ChildOutcome.MARKER;
    assertEquals(
        "{\"b\":2}",
        of(result(0, "noise\n" + m + "{\"a\":1}\n" + m + "{\"b\":2}\nmore\n", "", false, null))
            .answer());
    assertEquals(
        "the NVML reader ended without an answer",
        of(result(0, m + "{\"a\":1}", "", false, null)).why(),
        "no line end: not whole");
    assertEquals(
        "the NVML reader printed more than 100 bytes without a whole answer",
        of(result(0, m + "{\"a\":", "", true, null)).why());
  }

  @Test
  void generatedEndingsMapToExactlyOneOfAnswerOrReason() {
    Random rnd = new Random(17);
    String[] noise = {"", "hello\n", "OpenJDK warning: x\n", CRASH, "\u001b[31mred\n", "x\ty\r\n"};
    for (int i = 0; i < 20_000; i++) {
      long ms = 1 + rnd.nextInt(120_000);
      Duration deadline = Duration.ofMillis(ms);
      Stop stop =
          switch (rnd.nextInt(5)) {
            case 0 -> Stop.DEADLINE;
            case 1 -> Stop.CANCELLED;
            default -> null;
          };
      int code = rnd.nextInt(4) == 0 ? rnd.nextInt(256) : 0;
      String answer =
          "{\"n\":" + rnd.nextInt() + ",\"s\":\"" + "\u00e9".repeat(rnd.nextInt(3)) + "\"}";
      boolean marked = rnd.nextBoolean();
      boolean whole = rnd.nextInt(4) != 0;
      String out =
          noise[rnd.nextInt(noise.length)]
              + (marked ? ChildOutcome.MARKER + answer + (whole ? "\n" : "") : "")
              + (marked && whole ? noise[rnd.nextInt(noise.length)] : "");
      String err = noise[rnd.nextInt(noise.length)] + "\u0007".repeat(rnd.nextInt(2));
      boolean cut = rnd.nextInt(6) == 0;
      ProcessResult r = result(code, out, err, cut, stop);
      ChildOutcome o = ChildOutcome.of(r, deadline, "the NVML reader", 4096);
      String c = "case " + i + ": " + r;
      assertTrue((o.answer() == null) != (o.why() == null), c);
      if (stop == Stop.DEADLINE) {
        assertEquals("no answer within " + ChildOutcome.seconds(deadline), o.why(), c);
        assertTrue(o.why().matches("no answer within \\d+(\\.\\d)? m?s"), c);
      } else if (stop != null) {
        assertEquals("the NVML reader was stopped", o.why(), c);
      } else if (code != 0) {
        assertTrue(o.why().startsWith("the NVML reader exited with " + code), c);
        assertEquals(
            o.why().contains("crashed in native code"),
            out.contains(CRASH) || err.contains(CRASH),
            c);
      } else if (marked && whole) {
        assertEquals(answer, o.answer(), c);
      } else {
        assertTrue(o.why().startsWith("the NVML reader "), c);
      }
      if (o.why() != null) {
        assertTrue(o.why().length() <= ChildOutcome.MAX_WHY, c);
        assertFalse(o.why().chars().anyMatch(ch -> TerminalText.steers((char) ch)), c);
        assertFalse(o.why().contains("\n") || o.why().contains("\t"), c);
      }
    }
  }

  @Test
  void aLongReasonIsCutToOneBoundedLine() {
    String why = ChildOutcome.failed("x".repeat(1000) + "\n\u001b[2J").why();
    assertEquals(ChildOutcome.MAX_WHY, why.length());
    assertTrue(why.endsWith("..."));
    assertEquals("a ? b", ChildOutcome.failed("a \u001b b").why());
  }
}
