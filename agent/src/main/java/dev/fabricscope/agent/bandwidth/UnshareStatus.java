package dev.fabricscope.agent.bandwidth;

/**
 * How a helper behind {@code unshare --pid --fork --kill-child} ended ({@link HelperContainment}).
 * util-linux 2.38's unshare (Debian 12) loses its child's signal death: it fails to re-raise it,
 * prints {@link HelperContainment#UNSHARE_SIGNAL_NOISE} and exits with 1, so a helper we killed, or
 * one that crashed, looked like one that exited with 1. Where we sent the signal, the status is put
 * back as the JVM reports a signal death ({@code 128 + signal}, as a shell does); where the helper
 * died by a signal of its own (a crash), the line says so in words instead.
 */
final class UnshareStatus {

  /** What replaces unshare's line when the signal is not ours: what we know, no more. */
  static final String SIGNAL_UNKNOWN =
      "(the helper died by a signal; util-linux 2.38's unshare does not say which)";

  /**
   * The status and standard error to report.
   *
   * @param exitCode {@code 128 + signal} for a signal death, else the exit status
   * @param stderr standard error without unshare's own line
   */
  record Ended(int exitCode, String stderr) {}

  private UnshareStatus() {}

  /**
   * The helper's end as unshare reported it, corrected.
   *
   * @param code unshare's exit status as the JVM saw it
   * @param stderr the captured standard error (unshare's line, when there, is its last)
   * @param sentSignal the last signal the runner sent the helper, or 0 when none
   */
  static Ended of(int code, String stderr, int sentSignal) {
    String noise = HelperContainment.UNSHARE_SIGNAL_NOISE + "\n";
    if (code != 1 || !stderr.endsWith(noise)) {
      return new Ended(code, stderr);
    }
    String rest = stderr.substring(0, stderr.length() - noise.length());
    if (sentSignal > 0) {
      return new Ended(128 + sentSignal, rest);
    }
    return new Ended(code, rest + SIGNAL_UNKNOWN + "\n");
  }
}
