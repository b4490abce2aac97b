package dev.fabricscope.agent.isolation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security review 18 through real children (a shell for the child JVM): what a child leaves behind
 * ends with it and does not hold up the call (#1), an answer line another process writes is never
 * taken (#2), a whole answer stands whatever happens after it (#3), and a flood of short stderr
 * lines is kept bounded (#4).
 */
class IsolatedCallEndingsTest {

  private static final String REAL = ChildOutcome.MARKER + "{\"real\":true}";
  private static final String FORGED = ChildOutcome.MARKER + "{\"forged\":true}";

  private static IsolatedCall sh(String script, Duration deadline) {
    return new IsolatedCall("the test child", () -> List.of("/bin/sh", "-c", script), deadline);
  }

  @Test
  void anAnswerThenAHangIsTheAnswerWithANote() {
    long t0 = System.nanoTime();
    ChildOutcome o = sh("echo '" + REAL + "'; sleep 300", Duration.ofMillis(800)).call();
    assertEquals("{\"real\":true}", o.answer(), o.why());
    assertEquals("the test child did not end within 800 ms and was killed", o.note());
    assertTrue((System.nanoTime() - t0) / 1_000_000 < 800 + IsolatedCall.GRACE_MILLIS + 3000);
  }

  @Test
  void anAnswerThenACrashIsTheAnswerWithANote() {
    ChildOutcome o =
        sh("echo '" + REAL + "'; sh -c 'kill -SEGV $$'; exit $?", Duration.ofSeconds(20)).call();
    assertEquals("{\"real\":true}", o.answer(), o.why());
    assertEquals("the test child exited with 139 (SIGSEGV)", o.note());
  }

  /** The note goes where the command sends it: the {@code run} service's timestamped log. */
  @Test
  void theNoteGoesToTheSinkTheCommandGave() {
    List<String> noted = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.function.Consumer<String> before = IsolatedCall.noteTo(noted::add);
    try {
      sh("echo '" + REAL + "'; sh -c 'kill -SEGV $$'; exit $?", Duration.ofSeconds(20)).call();
    } finally {
      IsolatedCall.noteTo(before);
    }
    assertEquals(
        List.of("the test child exited with 139 (SIGSEGV) after its answer (used)"), noted);
  }

  @Test
  void twoAnswersAreAForgeryAndNeitherIsTaken() {
    ChildOutcome o =
        sh("echo '" + FORGED + "'; echo '" + REAL + "'", Duration.ofSeconds(20)).call();
    assertNull(o.answer());
    assertTrue(
        o.why().startsWith("the test child printed 2 answers: refused as a forgery"), o.why());
  }

  /**
   * A grandchild, in a session of its own, that writes a forged answer after the child answered and
   * exited: killed with the child (namespace), or its line read no more (process group, where a new
   * session escapes); the child's own answer stands, and the call does not wait for it.
   */
  @Test
  void aLateLineFromALeftOverProcessIsNotTaken(@TempDir Path dir) throws Exception {
    Path pid = dir.resolve("pid");
    String forger = "setsid sh -c 'echo $$ > " + pid + "; sleep 1; echo \"" + FORGED + "\"' &";
    long t0 = System.nanoTime();
    ChildOutcome o =
        sh(
                forger + " while [ ! -s " + pid + " ]; do sleep 0.01; done; echo '" + REAL + "'",
                Duration.ofSeconds(20))
            .call();
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals("{\"real\":true}", o.answer(), o.why());
    assertNull(o.note());
    assertTrue(ms < 1000, "waited " + ms + " ms for a process that holds the pipe");
    // the forger ends by itself a second later (its pid is a namespace's, not to be signalled)
  }

  /** 8 MiB of "a\n" on stderr, then a crash: the reason is the last line, the kept part small. */
  @Test
  void aFloodOfShortStderrLinesIsKeptBounded() {
    ChildOutcome o = sh("yes a | head -c 8388608 >&2; exit 1", Duration.ofSeconds(60)).call();
    assertEquals("the test child exited with 1 (a)", o.why());
  }
}
