package dev.fabricscope.agent.run;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the durations the {@code run} options take: a positive whole number and a unit, {@code
 * 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d}, or several in a row ({@code 1h30m}). A
 * bare number is refused rather than guessed: {@code --interval 5} could mean seconds or minutes.
 */
public final class Durations {

  private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

  /**
   * The longest duration an option takes: a year. Past about 106,751 days a duration is more
   * nanoseconds than a long holds, and the commands failed later with an internal error (exit 1,
   * which {@code run} documents as a spool failure) instead of a usage error at once (eighteenth
   * security review).
   */
  public static final Duration MAX = Duration.ofDays(365);

  private Durations() {}

  /**
   * The duration {@code text} names.
   *
   * @throws IllegalArgumentException with a message fit for one line of usage error
   */
  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty duration");
    }
    String s = text.strip().toLowerCase(java.util.Locale.ROOT);
    Matcher m = PART.matcher(s);
    Duration total = Duration.ZERO;
    int at = 0;
    while (at < s.length()) {
      if (!m.find(at) || m.start() != at) {
        throw new IllegalArgumentException(
            "bad duration '" + text + "' (use e.g. 500ms, 30s, 5m, 1h, 1h30m)");
      }
      long n = Long.parseLong(m.group(1));
      // each part fits (9 digits of days), and the sum stops once past MAX: no overflow
      total =
          total.plus(
              switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
              });
      if (total.compareTo(MAX) > 0) {
        throw new IllegalArgumentException("duration '" + text + "' is longer than 365d");
      }
      at = m.end();
    }
    if (total.isZero()) {
      throw new IllegalArgumentException("duration '" + text + "' must be more than zero");
    }
    return total;
  }

  /** A short form for logs: {@code 850ms}, {@code 2.3s}, {@code 5m}, {@code 1h}. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + "ms";
    }
    if (ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return String.format(java.util.Locale.ROOT, "%.1fs", ms / 1000.0);
  }
}
