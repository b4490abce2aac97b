package dev.fabricscope.agent.bandwidth.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fabricscope.agent.bandwidth.HelperException;
import dev.fabricscope.agent.bandwidth.Measurement;
import dev.fabricscope.agent.bandwidth.ProcessResult;
import dev.fabricscope.agent.isolation.ChildOutcome;
import dev.fabricscope.bandwidth.BandwidthKind;
import dev.fabricscope.bandwidth.BandwidthSpec;
import dev.fabricscope.bandwidth.Endpoint;
import dev.fabricscope.text.TerminalText;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Many ways a copy child can end, generated from a seed: whole answers, answers cut anywhere, bytes
 * changed, forged fields and markers, hostile text and numbers, crashes and kills. Each becomes
 * exactly a measurement the test asked for (one finite, positive sample per repetition, the CUDA
 * driver's name) or a one-line, bounded, printable reason; nothing else is thrown.
 */
class CopyAnswerGeneratedTest {

  private static final int CASES = 20_000;
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @Test
  void everyGeneratedEndIsAMeasurementOrAOneLineReason() {
    Random rnd = new Random(0x6c0de5L);
    int measured = 0;
    int refused = 0;
    for (int i = 0; i < CASES; i++) {
      int reps = 1 + rnd.nextInt(rnd.nextBoolean() ? 5 : BandwidthSpec.MAX_REPETITIONS);
      BandwidthSpec spec =
          BandwidthSpec.of(
              BandwidthKind.GPU_D2D,
              Endpoint.gpu(0),
              Endpoint.gpu(0),
              1 << 20,
              reps,
              null,
              1,
              false);
      Measurement sent = measurement(rnd, reps);
      String valid = CopyAnswer.of(sent);
      String stdout = stdout(rnd, valid);
      ProcessResult r = result(rnd, stdout);
      ChildOutcome o = ChildOutcome.of(r, DEADLINE, IsolatedCopy.WHAT, 4 << 20);
      try {
        Measurement m = IsolatedCopy.measurement(spec, o);
        check(m, reps, "case " + i + ": " + stdout);
        if (o.answer().equals(valid)) {
          assertEquals(sent, m, "case " + i);
        }
        measured++;
      } catch (HelperException e) {
        oneLine(e.getMessage(), "case " + i + ": " + stdout);
        refused++;
      } catch (RuntimeException e) {
        fail("case " + i + " threw " + e + " for " + stdout, e);
      }
    }
    assertTrue(measured > CASES / 20, measured + " measured");
    assertTrue(refused > CASES / 2, refused + " refused");
  }

  @Test
  void theChildsOwnErrorIsItsReasonAndAWholeAnswerComesBackExactly() throws Exception {
    BandwidthSpec spec = IsolatedCopyTest.H2D;
    String e = CopyAnswer.error("gpu-h2d: cuMemAlloc: out of memory\n\u001b[2Jfake");
    HelperException h =
        org.junit.jupiter.api.Assertions.assertThrows(
            HelperException.class, () -> CopyAnswer.read(e, spec));
    assertEquals("gpu-h2d: cuMemAlloc: out of memory ?[2Jfake", h.getMessage());
    Measurement m =
        new Measurement(List.of(0.1 + 0.2, 1e-300, 123456.789), "cuda-driver 13.0", null);
    assertEquals(m, CopyAnswer.read(CopyAnswer.of(m), spec));
  }

  private static void check(Measurement m, int reps, String what) {
    assertEquals(reps, m.samplesGBps().size(), what);
    m.samplesGBps().forEach(d -> assertTrue(Double.isFinite(d) && d > 0, what));
    assertTrue(m.helper().startsWith("cuda-driver ") && m.helper().length() <= 64, what);
    assertTrue(m.rawOutput() == null || m.rawOutput().length() <= Measurement.MAX_RAW + 64, what);
    assertEquals(null, m.flowSamplesGBps(), what);
  }

  private static void oneLine(String why, String what) {
    assertNotNull(why, what);
    assertFalse(why.isEmpty(), what);
    assertTrue(why.length() <= 240, why);
    for (char c : why.toCharArray()) {
      assertFalse(TerminalText.steers(c) || c == '\n' || c == '\r', why);
    }
  }

  private static Measurement measurement(Random rnd, int reps) {
    List<Double> s = new ArrayList<>();
    for (int i = 0; i < reps; i++) {
      s.add(rnd.nextInt(20) == 0 ? Double.MIN_VALUE : rnd.nextDouble() * 500 + 1e-9);
    }
    String raw = rnd.nextInt(4) == 0 ? null : "CUDA driver 13.0, GB/s " + s + "\n\t\u00e9";
    return new Measurement(s, "cuda-driver 13." + rnd.nextInt(10), raw);
  }

  /** What the child printed: the answer whole, cut, changed or forged, among other lines. */
  private static String stdout(Random rnd, String valid) {
    String answer =
        switch (rnd.nextInt(14)) {
          case 0, 1, 2 -> valid;
          case 3 -> valid.substring(0, rnd.nextInt(valid.length() + 1));
          case 4 -> flip(rnd, valid);
          case 5 -> valid.replaceFirst("\"samples\":\\[", "\"samples\":[\"1\",");
          case 6 -> valid.replaceFirst("\"samples\":\\[", "\"samples\":[" + number(rnd) + ",");
          case 7 -> valid.replaceFirst("\\}$", ",\"extra\":1}");
          case 8 -> valid.replaceFirst("\\{", "{\"helper\":\"cuda-driver 1\",");
          case 9 -> valid + " " + valid;
          case 10 -> "{\"error\":" + quoted(noise(rnd, 1 + rnd.nextInt(2000))) + "}";
          case 11 ->
              valid.replaceFirst("cuda-driver", rnd.nextBoolean() ? "iperf3" : "cuda-driver\u0007");
          case 12 -> "[".repeat(1 + rnd.nextInt(5000));
          default -> noise(rnd, rnd.nextInt(300));
        };
    StringBuilder b = new StringBuilder();
    if (rnd.nextBoolean()) {
      b.append(noise(rnd, rnd.nextInt(200))).append('\n');
    }
    if (rnd.nextInt(10) != 0) {
      b.append(ChildOutcome.MARKER);
    }
    b.append(answer);
    if (rnd.nextInt(8) != 0) {
      b.append('\n');
    }
    if (rnd.nextInt(6) == 0) {
      b.append(ChildOutcome.MARKER).append(noise(rnd, rnd.nextInt(100))).append('\n');
    }
    return b.toString();
  }

  private static ProcessResult result(Random rnd, String stdout) {
    int kind = rnd.nextInt(10);
    ProcessResult.Stop stop =
        kind == 0 ? ProcessResult.Stop.DEADLINE : kind == 1 ? ProcessResult.Stop.CANCELLED : null;
    int code = kind == 2 ? 1 : kind == 3 ? 139 : kind == 4 ? 2 : 0;
    String stderr =
        kind == 2
            ? "# Problematic frame:\n# C  [libcuda.so.1+0x130e]  copy_fault+0x8e\n"
            : noise(rnd, rnd.nextInt(100));
    return new ProcessResult(List.of("java"), code, stdout, stderr, rnd.nextInt(20) == 0, stop, 5);
  }

  private static String flip(Random rnd, String s) {
    char[] c = s.toCharArray();
    for (int i = 0; i < 1 + rnd.nextInt(3) && c.length > 0; i++) {
      c[rnd.nextInt(c.length)] = (char) rnd.nextInt(128);
    }
    return new String(c);
  }

  private static String number(Random rnd) {
    String[] n = {"NaN", "-1", "0", "0.0", "1e400", "-1e-400", "1" + "0".repeat(2000), "Infinity"};
    return n[rnd.nextInt(n.length)];
  }

  private static String noise(Random rnd, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      int k = rnd.nextInt(10);
      b.append(
          k < 6
              ? (char) (32 + rnd.nextInt(95))
              : k < 8 ? (char) rnd.nextInt(32) : (char) (0x80 + rnd.nextInt(0x2000)));
    }
    return b.toString();
  }

  private static String quoted(String s) {
    return com.fasterxml.jackson.databind.node.TextNode.valueOf(s).toString();
  }
}
