package dev.fabricscope.agent.run;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The {@link JobLoop}'s threads, all daemons so that a side still running never holds the agent's
 * exit: one per running side (no queue: a side past the limit is refused at once, not parked), and
 * one timer for the sides' progress ticks.
 */
final class JobThreads {

  private JobThreads() {}

  /** At most {@code max} sides at once; an idle thread ends after 30 s. */
  static ThreadPoolExecutor sides(int max) {
    return new ThreadPoolExecutor(
        0, max, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), daemon("agent-job"));
  }

  /** The timer of the sides' progress posts. */
  static ScheduledExecutorService ticks() {
    return Executors.newSingleThreadScheduledExecutor(daemon("agent-job-ticks"));
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
