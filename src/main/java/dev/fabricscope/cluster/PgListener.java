package dev.fabricscope.cluster;

import dev.fabricscope.inventory.Database;
import io.quarkus.logging.Log;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * One thread with one connection of its own (outside the pool) that {@code LISTEN}s on a channel
 * and hands each payload to a consumer, in order. pgjdbc's {@code getNotifications(timeout)} waits
 * on the socket for up to half a second, so a notice arrives within milliseconds and a stop within
 * half a second. When the connection fails it reconnects after a second, and hands the consumer a
 * null first: notices sent meanwhile were lost.
 */
final class PgListener {

  private static final int WAIT_MS = 500;

  private final Database database;
  private final String channel;
  private final Consumer<String> consumer;
  private final CountDownLatch firstListen = new CountDownLatch(1);
  private final Thread thread;
  private volatile boolean stopped;
  private volatile boolean listening;

  PgListener(Database database, String channel, Consumer<String> consumer) {
    this.database = database;
    this.channel = channel;
    this.consumer = consumer;
    this.thread = new Thread(this::run, "fabricscope-replica-listener");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  boolean awaitListening(Duration max) {
    try {
      return firstListen.await(max.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  boolean listening() {
    return listening;
  }

  void stop() {
    stopped = true;
    try {
      thread.join(2 * WAIT_MS + 500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    boolean lostBefore = false;
    while (!stopped) {
      try (Connection c = database.openDedicated()) {
        try (Statement s = c.createStatement()) {
          // the channel is a constant identifier of ours, never input
          s.execute("LISTEN " + channel);
        }
        PGConnection pg = c.unwrap(PGConnection.class);
        listening = true;
        firstListen.countDown();
        if (lostBefore) {
          Log.info("Replica notices: listening again");
          consumer.accept(null);
        }
        while (!stopped) {
          PGNotification[] ns = pg.getNotifications(WAIT_MS);
          if (ns != null) {
            for (PGNotification n : ns) {
              deliver(n.getParameter());
            }
          }
        }
      } catch (SQLException | RuntimeException e) {
        listening = false;
        if (stopped) {
          break;
        }
        lostBefore = true;
        Log.warnf("Replica notices: connection lost (%s); reconnecting in 1 s", e.getMessage());
        sleep();
      } finally {
        listening = false;
      }
    }
  }

  private void deliver(String payload) {
    try {
      consumer.accept(payload);
    } catch (RuntimeException e) {
      // one observer's failure must not stop the notices of the others
      Log.warnf(e, "Replica notice failed: %s", e.getMessage());
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
