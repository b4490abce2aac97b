package dev.fabricscope.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A thread of {@code run} dying of what it did not catch stops the agent with one line and exit 1
 * ({@link RunShutdown#uncaught}, {@link FatalLine}); before, the thread died with a stack trace and
 * the agent ran on without it (the review-18 fixer's open point: OOM in {@code run}).
 */
class FatalLineTest {

  @Test
  void anOutOfMemoryErrorSaysTheHeapAndHowToGiveMore() {
    assertEquals(
        "out of memory (Java heap space; heap 128 MiB; give it more: JAVA_OPTS=-Xmx...)",
        FatalLine.of(new OutOfMemoryError("Java heap space"), 128L << 20));
    assertEquals(
        "out of memory (no detail; heap 64 MiB; give it more: JAVA_OPTS=-Xmx...)",
        FatalLine.of(new OutOfMemoryError(), 64L << 20));
  }

  @Test
  void otherThrowablesAreNamedWithTheirMessage() {
    assertEquals(
        "java.lang.IllegalStateException: job loop broke",
        FatalLine.of(new IllegalStateException("job loop broke"), 0));
    assertEquals("java.lang.StackOverflowError", FatalLine.of(new StackOverflowError(), 0));
  }

  /** Messages with line breaks, escapes and any length stay one printable line of bounded size. */
  @Test
  void generatedMessagesStayOneBoundedLine() {
    Random r = new Random(27);
    for (int i = 0; i < 2000; i++) {
      StringBuilder m = new StringBuilder();
      int n = r.nextInt(600);
      for (int j = 0; j < n; j++) {
        m.append((char) (r.nextInt(8) == 0 ? r.nextInt(32) : 32 + r.nextInt(95)));
      }
      Throwable e =
          r.nextBoolean() ? new OutOfMemoryError(m.toString()) : new RuntimeException(m.toString());
      String line = FatalLine.of(e, 256L << 20);
      assertFalse(line.chars().anyMatch(Character::isISOControl), line);
      assertTrue(line.length() <= 300, line.length() + ": " + line);
    }
  }

  @Test
  void anUncaughtThrowableLogsOneLineAndExitsOne() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    AtomicInteger exits = new AtomicInteger();
    RunShutdown s = new RunShutdown(1000, new AgentLog(err), err, exits::incrementAndGet);
    assertEquals(0, s.status());
    s.uncaught(new Thread("agent-jobs"), new OutOfMemoryError("Java heap space"));
    assertEquals(1, exits.get());
    assertEquals(1, s.status());
    String log = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(1, log.lines().count(), log);
    assertTrue(
        log.strip()
            .matches(
                "\\d{4}-\\d\\d-\\d\\dT\\S+Z run: out of memory \\(Java heap space; heap \\d+ MiB;"
                    + " give it more: JAVA_OPTS=-Xmx\\.\\.\\.\\) on thread agent-jobs: stopping"
                    + " \\(exit 1\\)"),
        log);
  }
}
