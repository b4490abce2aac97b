package dev.fabricscope.agent.bandwidth;

import java.util.concurrent.TimeUnit;

/**
 * Cancel flag and deadline of one test run: set by a server-side cancel (DELETE) or Ctrl-C, passed
 * at the job's deadline. Helpers poll it and kill their process when it fires.
 */
public final class Cancellation {

  private final long deadlineNanos;
  private volatile boolean cancelled;

  private Cancellation(long deadlineNanos) {
    this.deadlineNanos = deadlineNanos;
  }

  /** A run that must end within the given seconds. */
  public static Cancellation within(long seconds) {
    return new Cancellation(System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds));
  }

  /** A run that must end within the given time (sub-second deadlines: the driver probes' tests). */
  public static Cancellation within(java.time.Duration time) {
    return new Cancellation(System.nanoTime() + time.toNanos());
  }

  /** Asks the run to stop. */
  public void cancel() {
    cancelled = true;
  }

  /** Whether the run was cancelled. */
  public boolean cancelled() {
    return cancelled;
  }

  /** Whether the deadline passed. */
  public boolean expired() {
    return System.nanoTime() - deadlineNanos >= 0;
  }

  /** Whether the run must stop now (cancelled or past its deadline). */
  public boolean stop() {
    return cancelled || expired();
  }

  /** Milliseconds left before the deadline (0 when passed). */
  public long remainingMillis() {
    return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
  }
}
