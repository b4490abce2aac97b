package dev.fabricscope.agent.bandwidth.host;

import dev.fabricscope.agent.bandwidth.Cancellation;

/**
 * Polls a {@link Cancellation} while a native call blocks the calling thread, and runs {@code
 * onStop} once when it fires (the native side then stops at its next check).
 */
public final class StopWatcher implements AutoCloseable {

  /**
   * How often the flag is polled; a copy pass is far longer, so this adds no delay worth naming.
   */
  static final long POLL_MILLIS = 20;

  private final Thread thread;
  private volatile boolean done;

  public StopWatcher(Cancellation cancel, Runnable onStop) {
    thread =
        new Thread(
            () -> {
              while (!done) {
                if (cancel.stop()) {
                  onStop.run();
                  return;
                }
                try {
                  Thread.sleep(POLL_MILLIS);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "bandwidth-stop-watcher");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void close() {
    done = true;
    thread.interrupt();
  }
}
