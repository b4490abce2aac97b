package dev.fabricscope.agent.run;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line per event on stderr, prefixed with the UTC time: systemd's journal and container
 * runtimes collect stderr, so the agent needs no logging framework or log files of its own.
 * Expected failures (server down, refusals) are logged as one line, never as a stack trace. A log
 * made by {@link #quietRepeats} writes a line that repeats at most once per window, with the count
 * of the repeats it left out.
 */
public final class AgentLog {

  /** Distinct lines remembered for {@link #quietRepeats}, the least recent forgotten first. */
  static final int REMEMBERED = 64;

  private final PrintStream err;
  private final long windowNanos;
  private final Map<String, long[]> recent; // line -> {written at (nanoTime), left out since}

  public AgentLog(PrintStream err) {
    this(err, 0);
  }

  private AgentLog(PrintStream err, long windowNanos) {
    this.err = err;
    this.windowNanos = windowNanos;
    this.recent =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
            return size() > REMEMBERED;
          }
        };
  }

  /**
   * A log on the same stream that writes a line already written within {@code window} no more: the
   * next one after the window says how many were left out. For loops a server can drive: a server
   * that hands out the same bad assignment again must not fill the journal.
   */
  public AgentLog quietRepeats(Duration window) {
    return new AgentLog(err, window.toNanos());
  }

  /** Logs one line. */
  public synchronized void info(String message) {
    String line = message;
    if (windowNanos > 0) {
      long now = System.nanoTime();
      long[] seen = recent.get(message);
      if (seen != null && now - seen[0] < windowNanos) {
        seen[1]++;
        return;
      }
      if (seen != null && seen[1] > 0) {
        line +=
            " ("
                + seen[1]
                + " more of this line left out in the last "
                + seconds(now - seen[0])
                + ")";
      }
      recent.put(message, new long[] {now, 0});
    }
    err.println(Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + line);
    err.flush();
  }

  private static String seconds(long nanos) {
    return Duration.ofNanos(nanos).toSeconds() + " s";
  }
}
