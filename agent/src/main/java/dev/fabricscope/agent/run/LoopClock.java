package dev.fabricscope.agent.run;

/**
 * Time as {@link RunLoop} and {@link ScanWorker} see it: the system's monotonic clock, or a virtual
 * one in tests, so that schedules of hours of scans, heartbeats and retries run in milliseconds and
 * the same way every time.
 */
interface LoopClock {

  /** The system's clock: {@link System#nanoTime()} and {@link Object#wait(long)}. */
  LoopClock SYSTEM =
      new LoopClock() {
        @Override
        public long nanoTime() {
          return System.nanoTime();
        }

        @Override
        public void await(Object monitor, long nanos) throws InterruptedException {
          monitor.wait(Math.max(1, nanos / 1_000_000));
        }
      };

  /** Now, in nanoseconds of an arbitrary origin: compare values by difference only. */
  long nanoTime();

  /**
   * Waits at most {@code nanos}, or until {@code monitor} is notified; the caller holds the
   * monitor's lock, which the wait releases. May return early: the caller checks its state again.
   */
  void await(Object monitor, long nanos) throws InterruptedException;
}
