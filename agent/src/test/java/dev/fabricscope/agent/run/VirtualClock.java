package dev.fabricscope.agent.run;

import java.time.Duration;
import java.util.PriorityQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Virtual time for {@link RunLoop} with real threads: the loop's waits move the clock on at once,
 * to the end of the wait or of the first scan due before it, so hours of schedule run in
 * milliseconds and every run of a schedule is the same.
 *
 * <p>Scans run on {@link #scanThreads()}, a new thread each (two scans at once would really run at
 * once, and be seen), and take virtual time through {@link #scanFor}. Time never passes a scan's
 * end without that scan's outcome being handed over to the loop first: the clock waits, in real
 * time, for the scan's task to return. Requests take virtual time through {@link #pass}. At the
 * {@link #horizon} the clock stops the loop.
 */
final class VirtualClock implements LoopClock {

  /** One scan task, started by the loop's scan thread. */
  private static final class Task {
    volatile boolean finished;
    boolean registered;
  }

  /** A scan waiting for virtual time to reach its end. */
  private record Pending(long end, Task task, boolean[] released) {}

  private static final long REAL_WAIT_MILLIS = 10_000;

  private final PriorityQueue<Pending> pending =
      new PriorityQueue<>((a, b) -> Long.compare(a.end(), b.end()));
  private long now;
  private Task starting;
  private long horizon = Long.MAX_VALUE;
  private Runnable atHorizon = () -> {};

  @Override
  public synchronized long nanoTime() {
    return now;
  }

  /** Virtual seconds since the start. */
  synchronized double seconds() {
    return now / 1e9;
  }

  /** At virtual time {@code at}, {@code action} runs once (on the loop's thread): a stop. */
  synchronized void horizon(Duration at, Runnable action) {
    horizon = at.toNanos();
    atHorizon = action;
  }

  @Override
  public void await(Object monitor, long nanos) throws InterruptedException {
    Pending p;
    boolean reached;
    synchronized (this) {
      long target = now + nanos;
      p = pending.peek();
      if (p != null && p.end() <= target && p.end() < horizon) {
        pending.poll();
        now = Math.max(now, p.end());
        release(p);
      } else {
        p = null;
        now = Math.min(target, Math.max(now, horizon));
      }
      reached = now >= horizon;
    }
    if (p != null) {
      // the scan's outcome is handed over under the monitor the loop holds: let go of it
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REAL_WAIT_MILLIS);
      while (!p.task().finished) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("a released scan did not hand its outcome over");
        }
        monitor.wait(1);
      }
    }
    if (reached) {
      atHorizon.run();
    }
  }

  /** A request taking {@code nanos} on the loop's thread: scans ending meanwhile end first. */
  void pass(long nanos) {
    boolean reached;
    synchronized (this) {
      long target = now + nanos;
      while (!pending.isEmpty() && pending.peek().end() <= target) {
        Pending p = pending.poll();
        now = Math.max(now, p.end());
        release(p);
        waitFor(() -> p.task().finished);
      }
      now = Math.max(now, target);
      reached = now >= horizon;
    }
    if (reached) {
      atHorizon.run();
    }
  }

  /** Ends every scan still waiting, whatever the time (after the loop returned). */
  synchronized void releaseAll() {
    while (!pending.isEmpty()) {
      release(pending.poll());
    }
  }

  /** Scans waiting for their end. */
  synchronized int waiting() {
    return pending.size();
  }

  /**
   * The scan thread: a new thread per task, and {@code execute} returns only once the scan
   * registered how long it takes (or ended at once), so the loop's next wait knows about it.
   */
  Executor scanThreads() {
    return r -> {
      Task task = new Task();
      synchronized (this) {
        starting = task;
      }
      Thread t =
          new Thread(
              () -> {
                try {
                  r.run();
                } finally {
                  synchronized (this) {
                    task.finished = true;
                    notifyAll();
                  }
                }
              },
              "virtual-scan");
      t.setDaemon(true);
      t.start();
      synchronized (this) {
        waitFor(() -> task.registered || task.finished);
        starting = null;
      }
    };
  }

  /** Called by a scan on its thread: takes {@code nanos} of virtual time. */
  void scanFor(long nanos) {
    synchronized (this) {
      Task task = starting;
      if (task == null) {
        throw new AssertionError("scanFor outside a task started by scanThreads()");
      }
      boolean[] released = new boolean[1];
      pending.add(new Pending(now + nanos, task, released));
      task.registered = true;
      notifyAll();
      while (!released[0]) {
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private void release(Pending p) {
    p.released()[0] = true;
    notifyAll();
  }

  private void waitFor(java.util.function.BooleanSupplier done) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REAL_WAIT_MILLIS);
    while (!done.getAsBoolean()) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        throw new AssertionError("a scan thread did not get on within 10 s of real time");
      }
      try {
        wait(left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }
}
