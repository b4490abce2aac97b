package dev.fabricscope.agent.bandwidth;

import java.util.List;

/**
 * How a helper process ended and what it printed.
 *
 * @param argv the command line it ran
 * @param exitCode its exit status; for a killed process {@code 128 + signal} (143 or 137), also
 *     behind util-linux 2.38's unshare when the runner sent the signal ({@link UnshareStatus})
 * @param stdout standard output, at most the runner's bound (decoded as UTF-8, bad bytes replaced)
 * @param stderr standard error, bounded the same way
 * @param truncated whether either stream went past the bound (the rest was read and dropped)
 * @param stopped why it was killed: {@code null} when it exited on its own, else {@link
 *     Stop#CANCELLED} or {@link Stop#DEADLINE}
 * @param elapsedMillis wall time from start to end
 * @param stdoutTruncated whether standard output alone went past the bound (a child's answer is on
 *     stdout; a flood of its stderr must not cost it)
 */
public record ProcessResult(
    List<String> argv,
    int exitCode,
    String stdout,
    String stderr,
    boolean truncated,
    Stop stopped,
    long elapsedMillis,
    boolean stdoutTruncated) {

  /** Why the runner killed a process. */
  public enum Stop {
    CANCELLED,
    DEADLINE
  }

  public ProcessResult {
    argv = List.copyOf(argv);
  }

  /** A result where either stream's truncation counts as stdout's (helpers, tests). */
  public ProcessResult(
      List<String> argv,
      int exitCode,
      String stdout,
      String stderr,
      boolean truncated,
      Stop stopped,
      long elapsedMillis) {
    this(argv, exitCode, stdout, stderr, truncated, stopped, elapsedMillis, truncated);
  }

  /** Whether it exited by itself with status 0. */
  public boolean ok() {
    return stopped == null && exitCode == 0;
  }

  /** Both streams as kept with a job: stdout, then stderr when it has anything. */
  public String rawOutput() {
    return stderr.isEmpty() ? stdout : stdout + (stdout.endsWith("\n") ? "" : "\n") + stderr;
  }

  /** The program's file name, for messages. */
  public String program() {
    String p = argv.get(0);
    return p.substring(p.lastIndexOf('/') + 1);
  }
}
