package dev.fabricscope.agent.run;

import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * One line per event on stderr, prefixed with the UTC time: systemd's journal and container
 * runtimes collect stderr, so the agent needs no logging framework or log files of its own.
 * Expected failures (server down, refusals) are logged as one line, never as a stack trace.
 */
public final class AgentLog {
  private final PrintStream err;

  public AgentLog(PrintStream err) {
    this.err = err;
  }

  /** Logs one line. */
  public synchronized void info(String message) {
    err.println(Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + message);
    err.flush();
  }
}
