package dev.fabricscope.agent.bandwidth;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads one output stream of a helper process on its own thread, keeping the first {@code limit}
 * bytes (and, when asked, the last {@code tail} bytes) and reading on past them (dropped), so the
 * process never blocks on a full pipe however much it prints. The tail is for the agent's own child
 * JVMs' standard error: a driver that floods it must not cost the agent megabytes (security review
 * 18, #4), yet the JVM's crash summary, printed last, must survive the flood.
 */
final class BoundedCapture {

  /**
   * How long a finished process's two output threads get, together, to read the last bytes: a
   * left-over child holding the pipes must not add more than this to a test.
   */
  static final long DRAIN_MILLIS = 2000;

  /**
   * The agent's own child JVM, once reaped: how long its output may stay quiet before reading
   * stops. What it wrote is in the pipe by its exit and read at once; a process it left behind may
   * hold the pipe and write a forged answer later (security review 18, #1 and #2).
   */
  static final long OWN_QUIET_MILLIS = 250;

  /** The most an own child's streams are read after its reap, quiet or not (review 19, #3). */
  static final long OWN_SETTLE_MILLIS = 500;

  /** An own child's standard error kept from the start, and again from the end (review 18, #4). */
  static final int OWN_STDERR_HEAD = 32 << 10;

  static final int OWN_STDERR_TAIL = 32 << 10;

  private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
  private final int limit;
  private final byte[] ring;
  private long ringWritten;
  private long dropped;
  private final Thread thread;
  private volatile boolean truncated;
  private volatile boolean stopped;
  private volatile long lastReadNanos = System.nanoTime();

  BoundedCapture(InputStream in, int limit, String name) {
    this(in, limit, 0, name);
  }

  /**
   * @param limit bytes kept from the start
   * @param tail bytes kept from the end besides (0: none)
   */
  BoundedCapture(InputStream in, int limit, int tail, String name) {
    this.limit = limit;
    this.ring = new byte[tail];
    this.thread = new Thread(() -> drain(in), name);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  private void drain(InputStream in) {
    byte[] buf = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        lastReadNanos = System.nanoTime();
        if (stopped) {
          continue; // written after the process ended, by what it left behind: not its output
        }
        keep(buf, n);
      }
    } catch (IOException e) {
      // the pipe closes when the process is killed: what was read so far stands
    }
  }

  private void keep(byte[] buf, int n) {
    synchronized (kept) {
      int room = Math.max(0, limit - kept.size());
      kept.write(buf, 0, Math.min(room, n));
      for (int i = room; i < n; i++) {
        truncated = true;
        dropped++;
        if (ring.length > 0) {
          ring[(int) (ringWritten++ % ring.length)] = buf[i];
        }
      }
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

  /**
   * Waits until the stream ends, or nothing has come for {@code quietMillis}, or {@code untilNanos}
   * ({@link System#nanoTime}) has come. Why: once a child is reaped, whatever it wrote is already
   * in the pipe, and is read within a moment; what a left-over process writes later is not its
   * output.
   */
  void settle(long quietMillis, long untilNanos) {
    long quiet = quietMillis * 1_000_000L;
    long since = System.nanoTime();
    while (thread.isAlive() && System.nanoTime() - untilNanos < 0) {
      long now = System.nanoTime();
      if (now - Math.max(lastReadNanos, since) >= quiet) {
        return;
      }
      join(Math.max(1, Math.min(10, quietMillis)));
    }
  }

  /**
   * The last bytes of a process's two streams, within one {@link #DRAIN_MILLIS} budget: to their
   * end, or for an own child that was reaped ({@code ownReaped}) until they are quiet, after which
   * nothing more is taken.
   */
  static void drain(BoundedCapture out, BoundedCapture err, boolean ownReaped) {
    long until = System.nanoTime() + DRAIN_MILLIS * 1_000_000L;
    if (ownReaped) {
      // each stream on its own, and never past OWN_SETTLE_MILLIS: a left-over process writing to
      // stderr now and then held stdout open for a forged answer up to the whole budget (review
      // 19, #3); what the child wrote is in the pipe by its reap, at most a pipe's 64 KiB unread
      long settled = Math.min(until, System.nanoTime() + OWN_SETTLE_MILLIS * 1_000_000L);
      out.settle(OWN_QUIET_MILLIS, settled);
      out.stop();
      err.settle(OWN_QUIET_MILLIS, settled);
      err.stop();
    } else {
      out.join((until - System.nanoTime()) / 1_000_000L);
      err.join((until - System.nanoTime()) / 1_000_000L);
    }
  }

  /** From now on, bytes read are dropped: the process they would belong to has ended. */
  void stop() {
    stopped = true;
  }

  /** Whether the reading thread still waits for the stream's end. */
  boolean running() {
    return thread.isAlive();
  }

  /**
   * What was kept so far, decoded as UTF-8: the head, and with a tail a line saying how many bytes
   * were left out, then the last bytes.
   */
  String text() {
    synchronized (kept) {
      String head = kept.toString(StandardCharsets.UTF_8);
      if (ring.length == 0 || dropped == 0) {
        return head;
      }
      int n = (int) Math.min(ring.length, ringWritten);
      byte[] last = new byte[n];
      for (int i = 0; i < n; i++) {
        last[i] = ring[(int) ((ringWritten - n + i) % ring.length)];
      }
      if (dropped == n) {
        // nothing between head and tail was lost: one piece, decoded as one
        ByteArrayOutputStream all = new ByteArrayOutputStream(kept.size() + n);
        all.writeBytes(kept.toByteArray());
        all.writeBytes(last);
        return all.toString(StandardCharsets.UTF_8);
      }
      return head
          + (head.endsWith("\n") ? "" : "\n")
          + "[... "
          + (dropped - n)
          + " bytes left out ...]\n"
          + new String(last, StandardCharsets.UTF_8);
    }
  }

  boolean truncated() {
    return truncated;
  }
}
