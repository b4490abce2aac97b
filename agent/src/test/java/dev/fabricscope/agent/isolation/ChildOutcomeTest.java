package dev.fabricscope.agent.isolation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.agent.bandwidth.ProcessResult;
import dev.fabricscope.agent.bandwidth.ProcessResult.Stop;
import java.time.Duration;
import java.util.List;
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
  void theAnswerIsTheOneWholeMarkedLine() {
    String m = ChildOutcome.MARKER;
    assertEquals(
        "{\"b\":2}", of(result(0, "noise\n" + m + "{\"b\":2}\nmore\n", "", false, null)).answer());
    assertEquals(
        "the NVML reader ended without an answer",
        of(result(0, m + "{\"a\":1}", "", false, null)).why(),
        "no line end: not whole");
    assertEquals(
        "the NVML reader printed more than 100 bytes without a whole answer",
        of(result(0, m + "{\"a\":", "", true, null)).why());
  }

  /** Review 18, #2: a second marked line, before or after, whole or cut, refuses both. */
  @Test
  void aSecondAnswerIsAForgery() {
    String m = ChildOutcome.MARKER;
    for (String out :
        List.of(
            m + "{\"a\":1}\n" + m + "{\"b\":2}\n",
            m + "{\"a\":1}\nnoise\n" + m + "{\"b\":",
            "x\n" + m + "{}\n" + m + "{}\n" + m + "{}\n")) {
      ChildOutcome o = of(result(0, out, "", false, null));
      assertNull(o.answer(), out);
      assertTrue(o.why().startsWith("the NVML reader printed "), o.why());
      assertTrue(o.why().contains(" answers: refused as a forgery"), o.why());
    }
    assertEquals(
        "{}", of(result(0, "x " + m + "{\"a\":1}\n" + m + "{}\n", "", false, null)).answer());
  }

  /** Review 18, #2: an early marked line followed by more than the bound is no answer. */
  @Test
  void anAnswerCutOffByTheBoundIsNoAnswer() {
    String out = ChildOutcome.MARKER + "{\"a\":1}\n" + "x".repeat(100);
    ChildOutcome o = of(result(0, out, "", true, null));
    assertEquals("the NVML reader printed more than 100 bytes without a whole answer", o.why());
    ProcessResult stderrOnly =
        new ProcessResult(List.of("java"), 0, out, "e", true, null, 1, false);
    assertEquals("{\"a\":1}", of(stderrOnly).answer(), "a flood of stderr costs nothing");
  }

  /** Review 18, #3: a whole answer stands after a hang or crash at exit; the ending is a note. */
  @Test
  void aWholeAnswerStandsHoweverTheChildEnded() {
    String out = ChildOutcome.MARKER + "{\"a\":1}\n";
    ChildOutcome hung = of(result(143, out, "", false, Stop.DEADLINE));
    assertEquals("{\"a\":1}", hung.answer());
    assertEquals("the NVML reader did not end within 30 s and was killed", hung.note());
    ChildOutcome crashed = of(result(1, out, CRASH, false, null));
    assertEquals("{\"a\":1}", crashed.answer());
    assertEquals(
        "the NVML reader exited with 1 (crashed in native code: C [libnvidia-ml.so.1+0x1792]"
            + " nvmlInit_v2+0x192)",
        crashed.note());
    assertNull(of(result(0, out, "", false, null)).note());
    assertEquals(
        "the NVML reader was stopped", of(result(143, out, "", false, Stop.CANCELLED)).why());
  }

  @Test
  void aLongReasonIsCutToOneBoundedLine() {
    String why = ChildOutcome.failed("x".repeat(1000) + "\n\u001b[2J").why();
    assertEquals(ChildOutcome.MAX_WHY, why.length());
    assertTrue(why.endsWith("..."));
    assertEquals("a ? b", ChildOutcome.failed("a \u001b b").why());
  }
}
