package dev.fabricscope.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The server's log records while it is open, from every logger: a handler on the root logger of the
 * JVM's log manager (JBoss LogManager in the tests, which Quarkus and {@code io.quarkus.logging}
 * write through), so a test can say what a request logged.
 */
public final class CapturedLogs extends Handler implements AutoCloseable {

  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Logger root = Logger.getLogger("");

  private CapturedLogs() {
    setLevel(Level.ALL);
  }

  /** Starts capturing. */
  public static CapturedLogs open() {
    CapturedLogs logs = new CapturedLogs();
    logs.root.addHandler(logs);
    return logs;
  }

  @Override
  public void publish(LogRecord r) {
    records.add(r);
  }

  /** Records at WARN/WARNING or above, or carrying a throwable (a stack trace in the log). */
  public List<LogRecord> loud() {
    return records.stream()
        .filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue() || r.getThrown() != null)
        .toList();
  }

  /** The records, one line each, for a failure message. */
  public static String describe(List<LogRecord> rs) {
    StringBuilder b = new StringBuilder();
    for (LogRecord r : rs) {
      b.append(r.getLevel())
          .append(' ')
          .append(r.getLoggerName())
          .append(": ")
          .append(r.getMessage())
          .append(r.getThrown() == null ? "" : " [" + r.getThrown() + "]")
          .append('\n');
    }
    return b.toString();
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    root.removeHandler(this);
  }
}
