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
 * <p>The answer is the one whole line that starts with {@link #MARKER}: the child prints it once.
 * Two such lines mean another process wrote to the child's output (a driver's own child can hold
 * the pipe), and neither is taken (security review 18, #2). A whole answer stands however the child
 * ended after printing it, since a driver can hang or crash at exit (#3); the ending is then a
 * {@link #note}.
 *
 * @param answer the JSON the child printed after {@link #MARKER}, or null
 * @param why null when there is an answer; else one printable line
 * @param note with an answer, how the child ended when that was not cleanly (one printable line),
 *     else null
 */
public record ChildOutcome(String answer, String why, String note) {

  /** What starts the answer line on the child's stdout: anything else there is not the answer. */
  public static final String MARKER = "fabricscope-isolated-answer ";

  /** Longest reason kept, in characters: a diagnostic is one line of a report. */
  static final int MAX_WHY = 240;

  /** An answer, or a reason, without a note. */
  public ChildOutcome(String answer, String why) {
    this(answer, why, null);
  }

  /**
   * No answer, for this reason: flattened to one line, every character a terminal would act on
   * shown as {@code ?} (the child's stderr is native code's text, not ours), bounded.
   */
  public static ChildOutcome failed(String why) {
    return new ChildOutcome(null, printable(why));
  }

  private static String printable(String why) {
    StringBuilder b = new StringBuilder();
    for (char c : TerminalText.flatten(why, "unknown").toCharArray()) {
      b.append(TerminalText.steers(c) ? '?' : c);
    }
    String line = b.toString();
    return line.length() > MAX_WHY ? line.substring(0, MAX_WHY - 3) + "..." : line;
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
    if (r.stopped() == ProcessResult.Stop.CANCELLED) {
      return failed(what + " was stopped");
    }
    String out = r.stdout();
    int answers = markedLines(out);
    if (answers > 1) {
      return failed(
          what
              + " printed "
              + answers
              + " answers: refused as a forgery (it prints one; another process wrote to its"
              + " output)");
    }
    String answer = r.stdoutTruncated() || answers == 0 ? null : answerLine(out);
    String ending = ending(r, deadline, what);
    if (answer != null) {
      String late =
          r.stopped() == ProcessResult.Stop.DEADLINE
              ? what + " did not end within " + seconds(deadline) + " and was killed"
              : ending;
      return new ChildOutcome(answer, null, late == null ? null : printable(late));
    }
    if (ending != null) {
      return failed(ending);
    }
    return failed(
        r.stdoutTruncated()
            ? what + " printed more than " + maxBytes + " bytes without a whole answer"
            : what + " ended without an answer");
  }

  /** How the child ended when not by itself with 0, in words; null when it did. */
  private static String ending(ProcessResult r, Duration deadline, String what) {
    if (r.stopped() == ProcessResult.Stop.DEADLINE) {
      return "no answer within " + seconds(deadline);
    }
    if (r.exitCode() != 0) {
      return what + " exited with " + r.exitCode() + crash(r.exitCode(), r.stdout(), r.stderr());
    }
    return null;
  }

  /** How many lines start with {@link #MARKER}, a last one without its line end included. */
  static int markedLines(String stdout) {
    int n = stdout.startsWith(MARKER) ? 1 : 0;
    for (int at = stdout.indexOf("\n" + MARKER);
        at >= 0;
        at = stdout.indexOf("\n" + MARKER, at + 1)) {
      n++;
    }
    return n;
  }

  /**
   * The one line that starts with {@link #MARKER}, without it, when it is whole (a line cut by the
   * output bound has no line end and does not count); null when there is none.
   */
  static String answerLine(String stdout) {
    int at = stdout.startsWith(MARKER) ? 0 : stdout.indexOf("\n" + MARKER);
    if (at < 0) {
      return null;
    }
    int start = at == 0 && stdout.startsWith(MARKER) ? 0 : at + 1;
    int end = stdout.indexOf('\n', start);
    return end < 0 ? null : stdout.substring(start + MARKER.length(), end);
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

  /**
   * The last line with anything on it, found from the end without splitting the text: a child's
   * stderr of millions of short lines made as many strings (security review 18, #4).
   */
  static String lastLine(String stderr) {
    int end = stderr.length();
    while (end > 0) {
      int start = stderr.lastIndexOf('\n', end - 1) + 1;
      int from = start;
      int to = end;
      while (from < to && Character.isWhitespace(stderr.charAt(from))) {
        from++;
      }
      while (to > from && Character.isWhitespace(stderr.charAt(to - 1))) {
        to--;
      }
      if (from < to) {
        // no more than a reason shows: a line of megabytes is not copied whole
        return stderr.substring(from, Math.min(to, from + MAX_WHY));
      }
      end = start - 1;
    }
    return null;
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
