package dev.fabricscope.agent.bandwidth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The bounded capture with a tail (an own child's stderr, security review 18, #4): for generated
 * streams of every length against every head and tail size, the text is the head, then how much was
 * left out, then the tail, byte for byte; and a real child's flood of short lines is kept to that
 * bound.
 */
class BoundedCaptureTest {

  /**
   * Review 19, #3: after an own child's reap, a left-over process writing a byte to stderr every
   * 100 ms no longer keeps stdout read on: a line it writes there a second later is not taken, and
   * the reading ends within {@link BoundedCapture#OWN_SETTLE_MILLIS}. Before, stdout was read until
   * stderr fell quiet, up to the 2 s budget, and the forged line was taken.
   */
  @Test
  void aBusyStderrDoesNotKeepStdoutOpenForALateLine() throws Exception {
    java.io.PipedOutputStream outW = new java.io.PipedOutputStream();
    java.io.PipedOutputStream errW = new java.io.PipedOutputStream();
    BoundedCapture out =
        new BoundedCapture(new java.io.PipedInputStream(outW, 1 << 16), 1 << 20, "out");
    BoundedCapture err =
        new BoundedCapture(new java.io.PipedInputStream(errW, 1 << 16), 1 << 10, 1 << 10, "err");
    Thread leftover =
        new Thread(
            () -> {
              try {
                for (int i = 0; i < 30; i++) {
                  Thread.sleep(100);
                  errW.write('.');
                  errW.flush();
                  if (i == 10) {
                    outW.write("FORGED\n".getBytes(StandardCharsets.UTF_8));
                    outW.flush();
                  }
                }
              } catch (Exception e) {
                // the reader is gone: the test is over
              }
            });
    leftover.setDaemon(true);
    leftover.start();
    long t0 = System.nanoTime();
    BoundedCapture.drain(out, err, true);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    Thread.sleep(1500); // past the forged line
    assertEquals("", out.text());
    assertTrue(ms < BoundedCapture.OWN_SETTLE_MILLIS + 200, ms + " ms");
  }

  @Test
  void headAndTailAreKeptExactlyForGeneratedStreams() {
    Random rnd = new Random(18);
    for (int i = 0; i < 2000; i++) {
      int head = 1 + rnd.nextInt(64);
      int tail = rnd.nextInt(64);
      byte[] data = new byte[rnd.nextInt(400)];
      for (int k = 0; k < data.length; k++) {
        data[k] = (byte) ('a' + rnd.nextInt(3));
      }
      BoundedCapture c = new BoundedCapture(new ByteArrayInputStream(data), head, tail, "t");
      c.join(10_000);
      String text = c.text();
      String c0 = "case " + i + ": head " + head + ", tail " + tail + ", " + data.length + " bytes";
      int dropped = Math.max(0, data.length - head);
      assertEquals(dropped > 0, c.truncated(), c0);
      String expected;
      if (tail == 0) {
        expected = new String(data, 0, Math.min(head, data.length), StandardCharsets.UTF_8);
      } else if (dropped <= tail) {
        expected = new String(data, StandardCharsets.UTF_8);
      } else {
        String h = new String(data, 0, head, StandardCharsets.UTF_8);
        expected =
            h
                + (h.endsWith("\n") ? "" : "\n")
                + "[... "
                + (dropped - tail)
                + " bytes left out ...]\n"
                + new String(
                    Arrays.copyOfRange(data, data.length - tail, data.length),
                    StandardCharsets.UTF_8);
      }
      assertEquals(expected, text, c0);
    }
  }

  /** 8 MiB of "a\n" on an own child's stderr: 64 KiB kept, the last line still there. */
  @Test
  void anOwnChildsStderrFloodIsKeptToHeadAndTail() throws Exception {
    RunningProcess p =
        ProcessRunner.forOwnChildren(1 << 20, 500)
            .startOwn(
                List.of("/bin/sh", "-c", "yes a | head -c 8388608 >&2; echo last >&2"),
                Path.of("/"));
    ProcessResult r = p.await(Cancellation.within(60));
    assertTrue(
        r.stderr().length() <= BoundedCapture.OWN_STDERR_HEAD + BoundedCapture.OWN_STDERR_TAIL + 64,
        r.stderr().length() + " chars kept");
    assertTrue(r.stderr().endsWith("a\nlast\n"), "the tail");
    assertTrue(r.stderr().contains(" bytes left out ...]\n"));
    assertTrue(r.truncated() && !r.stdoutTruncated());
  }
}
