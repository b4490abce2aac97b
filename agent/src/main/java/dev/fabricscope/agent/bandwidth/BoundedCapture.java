package dev.fabricscope.agent.bandwidth;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads one output stream of a helper process on its own thread, keeping the first {@code limit}
 * bytes and reading on past them (dropped), so the process never blocks on a full pipe however much
 * it prints.
 */
final class BoundedCapture {

  private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
  private final int limit;
  private final Thread thread;
  private volatile boolean truncated;

  BoundedCapture(InputStream in, int limit, String name) {
    this.limit = limit;
    this.thread = new Thread(() -> drain(in), name);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  private void drain(InputStream in) {
    byte[] buf = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        synchronized (kept) {
          int room = limit - kept.size();
          if (room > 0) {
            kept.write(buf, 0, Math.min(room, n));
          }
          if (n > room) {
            truncated = true;
          }
        }
      }
    } catch (IOException e) {
      // the pipe closes when the process is killed: what was read so far stands
    }
  }

  /** Waits up to {@code millis} for the stream's end (the process and its children closed it). */
  void join(long millis) {
    try {
      if (millis > 0) {
        thread.join(millis);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether the reading thread still waits for the stream's end. */
  boolean running() {
    return thread.isAlive();
  }

  /** What was kept so far, decoded as UTF-8. */
  String text() {
    synchronized (kept) {
      return kept.toString(StandardCharsets.UTF_8);
    }
  }

  boolean truncated() {
    return truncated;
  }
}
