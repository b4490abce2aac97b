package dev.fabricscope.agent.isolation;

import dev.fabricscope.agent.bandwidth.ProcessResult;
import dev.fabricscope.text.TerminalText;
import java.time.Duration;

/**
 * What an isolated call came back with: the child's answer (one line of JSON), or why there is
 * none, in words fit for a diagnostic ({@code no answer within 30 s}, {@code the NVML reader exited
 * with 134 (SIGABRT: a fatal error in native code ...)}). Kept apart from the process handling so
 * that every way a child can end is mapped by one pure function, tested over many generated cases.
 *
 * @param answer the JSON the child printed after {@link #MARKER}, or null
 * @param why null when there is an answer; else one printable line
 */
public record ChildOutcome(String answer, String why) {

  /** What starts the answer line on the child's stdout: anything else there is not the answer. */
  public static final String MARKER = "fabricscope-isolated-answer ";

  /** Longest reason kept, in characters: a diagnostic is one line of a report. */
  static final int MAX_WHY = 240;

  /**
   * No answer, for this reason: flattened to one line, every character a terminal would act on
   * shown as {@code ?} (the child's stderr is native code's text, not ours), bounded.
   */
  public static ChildOutcome failed(String why) {
    StringBuilder b = new StringBuilder();
    for (char c : TerminalText.flatten(why, "unknown").toCharArray()) {
      b.append(TerminalText.steers(c) ? '?' : c);
    }
    String line = b.toString();
    return new ChildOutcome(
        null, line.length() > MAX_WHY ? line.substring(0, MAX_WHY - 3) + "..." : line);
  }

  /**
   * How the child ended, as an outcome.
   *
   * @param r the child's result (output bounded by the runner)
   * @param deadline the time it had
   * @param what the child in words, for the reasons ({@code the NVML reader})
   * @param maxBytes the bound on its output, for the reason when the answer did not fit
   */
  public static ChildOutcome of(ProcessResult r, Duration deadline, String what, int maxBytes) {
    if (r.stopped() == ProcessResult.Stop.DEADLINE) {
      return failed("no answer within " + seconds(deadline));
    }
    if (r.stopped() == ProcessResult.Stop.CANCELLED) {
      return failed(what + " was stopped");
    }
    if (r.exitCode() != 0) {
      return failed(
          what + " exited with " + r.exitCode() + crash(r.exitCode(), r.stdout(), r.stderr()));
    }
    String answer = answerLine(r.stdout());
    if (answer != null) {
      return new ChildOutcome(answer, null);
    }
    return failed(
        r.truncated()
            ? what + " printed more than " + maxBytes + " bytes without a whole answer"
            : what + " ended without an answer");
  }

  /**
   * The last whole line that starts with {@link #MARKER}, without it; null when there is none (a
   * line cut by the output bound has no line end and does not count).
   */
  static String answerLine(String stdout) {
    String found = null;
    int at = 0;
    while (at < stdout.length()) {
      int end = stdout.indexOf('\n', at);
      if (end < 0) {
        break;
      }
      if (stdout.startsWith(MARKER, at)) {
        found = stdout.substring(at + MARKER.length(), end);
      }
      at = end + 1;
    }
    return found;
  }

  /**
   * Why a child died, in words: the signal behind a shell-style code (128 + N), and for a JVM's
   * fatal error the frame it names, which says which library crashed. The JVM prints that summary
   * on stdout (its error file goes nowhere: {@link ChildJvm}), so both streams are searched; a JVM
   * started without core dumps exits 1 after it, with them 134 (SIGABRT).
   */
  static String crash(int code, String stdout, String stderr) {
    String signal =
        switch (code) {
          case 134 -> "SIGABRT";
          case 135 -> "SIGBUS";
          case 137 -> "SIGKILL";
          case 139 -> "SIGSEGV";
          case 143 -> "SIGTERM";
          default -> null;
        };
    String frame = problematicFrame(stdout);
    frame = frame == null ? problematicFrame(stderr) : frame;
    if (frame != null) {
      return " ("
          + (signal == null ? "" : signal + "; ")
          + "crashed in native code: "
          + frame
          + ")";
    }
    if (signal != null) {
      return " (" + signal + ")";
    }
    String last = lastLine(stderr);
    return last == null ? "" : " (" + last + ")";
  }

  /**
   * The line after the JVM's {@code # Problematic frame:}, such as {@code C [libx.so+0x4b] f+0x4b}.
   */
  static String problematicFrame(String stderr) {
    int at = stderr.indexOf("# Problematic frame:\n");
    if (at < 0) {
      return null;
    }
    int start = at + "# Problematic frame:\n".length();
    int end = stderr.indexOf('\n', start);
    String line = stderr.substring(start, end < 0 ? stderr.length() : end);
    line = line.startsWith("#") ? line.substring(1) : line;
    line = line.strip().replaceAll("\\s+", " ");
    return line.isEmpty() ? null : line;
  }

  private static String lastLine(String stderr) {
    String[] lines = stderr.strip().split("\n");
    String last = lines[lines.length - 1].strip();
    return last.isEmpty() ? null : last;
  }

  /** A deadline in words: {@code 30 s}, {@code 1.5 s}, {@code 200 ms}. */
  static String seconds(Duration d) {
    long ms = d.toMillis();
    if (ms % 1000 == 0) {
      return ms / 1000 + " s";
    }
    return ms < 1000 ? ms + " ms" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
  }
}
