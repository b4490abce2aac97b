package dev.fabricscope.bandwidth;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps jobs honest over time: at start, jobs that agents had taken before a restart time out
 * ("server restarted"; queued ones stay queued and run when their agent polls); then every {@code
 * fabricscope.bandwidth.sweep} a Vert.x timer times out active jobs past their deadline, on a
 * worker thread (one sweep at a time).
 */
@ApplicationScoped
public class JobSweeper {

  @Inject BandwidthJobs jobs;
  @Inject BandwidthSettings settings;
  @Inject Vertx vertx;

  private final AtomicBoolean sweeping = new AtomicBoolean();
  private long timer = -1;

  void onStart(@Observes StartupEvent e) {
    if (settings.timeOutTakenAtStart()) {
      int n = jobs.abandonTaken();
      if (n > 0) {
        Log.infof("Bandwidth tests: %d running at the last stop timed out (server restarted)", n);
      }
    }
    timer = vertx.setPeriodic(settings.sweep().toMillis(), id -> sweep());
  }

  void onStop(@Observes ShutdownEvent e) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  private void sweep() {
    if (!sweeping.compareAndSet(false, true)) {
      return;
    }
    vertx.executeBlocking(
        () -> {
          try {
            return jobs.expire();
          } catch (RuntimeException ex) {
            Log.warnf("Bandwidth tests: sweep failed: %s", ex.getMessage());
            return 0;
          } finally {
            sweeping.set(false);
          }
        },
        false);
  }
}
