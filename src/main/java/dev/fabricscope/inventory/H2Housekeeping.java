package dev.fabricscope.inventory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.RandomAccessStore;
import org.jboss.logging.Logger;

/**
 * Gives the space of deleted snapshots back to an embedded H2 file, on a thread of its own.
 *
 * <p>Why: with {@code WRITE_DELAY=0} ({@link Database#H2_SETTINGS}) H2 2.x starts no MVStore
 * background writer, and that thread is the only one that rewrites partly used chunks and moves
 * chunks to shrink the file. A commit does free wholly dead chunks, but only those older than the
 * MVStore retention time (45 s), so under churn the file grew by every byte written in the last 45
 * s, several times the snapshots kept (a 15.5 MB report is written about twice per ingest).
 *
 * <p>One pass, under the store's lock so that no chunk is written meanwhile: {@code fsync} the
 * file, then free every chunk that is dead now with a retention time of 0 for that moment only. The
 * retention time is there so that a chunk is not overwritten before the chunks that replaced it
 * reached the disk; after the {@code fsync} they have, so this is as safe as H2's own wait. Then,
 * like H2's background writer, rewrite chunks that are mostly dead and move chunks down to truncate
 * the file when much of it is free. Commits stay durable: nothing here changes when a commit is
 * written.
 *
 * <p>Passes run after each new snapshot (coalesced: at most one waiting) and every {@link
 * #PERIOD_SECONDS} when anything was written, for space freed elsewhere. Uses H2 internals ({@code
 * SessionLocal}, {@code MVStore}); {@code H2FileChurnTest} pins the behaviour for H2 upgrades.
 */
final class H2Housekeeping implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(H2Housekeeping.class);

  /**
   * Least time between the starts of two passes asked for by new snapshots: each pass syncs the
   * file under the store's lock, which commits wait for, so a burst of ingests shares one pass a
   * second rather than queueing an fsync behind each of its commits.
   */
  static final long GAP_MILLIS = 1000;

  /** Fallback period for space freed other than by snapshot pruning. */
  static final long PERIOD_SECONDS = 30;

  /** Rewrite chunks while the live share of all chunks is below this (percent). */
  private static final int REWRITE_BELOW = 60;

  /** Bytes of live pages rewritten per pass at most (bounds the time the store is locked). */
  private static final int REWRITE_BYTES = 32 << 20;

  /** Move chunks down while the used share of the file is below this (percent). */
  private static final int MOVE_BELOW = 75;

  /** Bytes of chunks moved per pass at most. */
  private static final long MOVE_BYTES = 64L << 20;

  private final DataSource pool;
  private final ScheduledExecutorService thread;
  private final AtomicBoolean pending = new AtomicBoolean();
  private volatile long writesAtLastPass = -1;
  private volatile long lastStart = System.nanoTime() - GAP_MILLIS * 1_000_000;
  private volatile ScheduledFuture<?> next;

  H2Housekeeping(DataSource pool) {
    this.pool = pool;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "fabricscope-h2-housekeeping");
              t.setDaemon(true);
              return t;
            });
    thread.scheduleWithFixedDelay(this::periodic, PERIOD_SECONDS, PERIOD_SECONDS, TimeUnit.SECONDS);
  }

  /**
   * Asks for a pass soon, at most one each {@link #GAP_MILLIS}; returns at once (the caller is a
   * request thread).
   */
  void request() {
    if (pending.compareAndSet(false, true)) {
      long wait = Math.max(0, GAP_MILLIS - (System.nanoTime() - lastStart) / 1_000_000);
      try {
        next = thread.schedule(this::asked, wait, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException closed) {
        pending.set(false);
      }
    }
  }

  private void asked() {
    pending.set(false);
    lastStart = System.nanoTime();
    pass();
  }

  /**
   * Runs the pass asked for now, without its gap, and waits until it and any before it have run
   * (for tests, whose rounds then each end at a fixed state).
   */
  void awaitIdle() throws InterruptedException {
    ScheduledFuture<?> waiting = next;
    if (waiting != null && waiting.cancel(false)) {
      thread.execute(this::asked);
    }
    try {
      thread.submit(() -> {}).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  private void periodic() {
    try (Connection c = pool.getConnection()) {
      MVStore mv = mvStore(c);
      if (mv != null && mv.getFileStore().getWriteCount() != writesAtLastPass) {
        pass(mv);
      }
    } catch (SQLException | RuntimeException e) {
      LOG.debugf(e, "H2 housekeeping skipped");
    }
  }

  /** One pass on a connection of the pool, which keeps the database open meanwhile. */
  void pass() {
    try (Connection c = pool.getConnection()) {
      MVStore mv = mvStore(c);
      if (mv != null) {
        pass(mv);
      }
    } catch (SQLException | RuntimeException e) {
      // the next pass tries again; a failing disk shows in the commits themselves
      LOG.warnf(e, "H2 housekeeping failed");
    }
  }

  private void pass(MVStore mv) {
    FileStore<?> fs = mv.getFileStore();
    freeDeadChunks(mv, fs);
    if (fs.getChunksFillRate() < REWRITE_BELOW && mv.compact(REWRITE_BELOW, REWRITE_BYTES)) {
      // the rewritten pages go into a new chunk; the old chunks are dead once it is on disk
      mv.commit();
      freeDeadChunks(mv, fs);
    }
    if (fs instanceof RandomAccessStore && fs.getFillRate() < MOVE_BELOW) {
      ((RandomAccessStore) fs).compactMoveChunks(MOVE_BELOW, MOVE_BYTES, mv);
    }
    writesAtLastPass = fs.getWriteCount();
  }

  /**
   * Frees the chunks dead now. Under the store's lock no chunk is written between the {@code fsync}
   * and the freeing, so every chunk that replaced a freed one is on disk first.
   */
  private static void freeDeadChunks(MVStore mv, FileStore<?> fs) {
    mv.executeFilestoreOperation(
        () -> {
          int retention = mv.getRetentionTime();
          fs.sync();
          mv.setRetentionTime(0);
          try {
            fs.dropUnusedChunks();
          } finally {
            mv.setRetentionTime(retention);
          }
        });
  }

  /**
   * The MVStore of an embedded H2 file database behind {@code c}, or null (another database, an
   * in-memory one, or a closed one).
   */
  static MVStore mvStore(Connection c) throws SQLException {
    if (!c.isWrapperFor(JdbcConnection.class)) {
      return null;
    }
    var session = c.unwrap(JdbcConnection.class).getSession();
    if (!(session instanceof SessionLocal)) {
      return null;
    }
    var store = ((SessionLocal) session).getDatabase().getStore();
    MVStore mv = store == null ? null : store.getMvStore();
    if (mv == null || mv.isClosed() || mv.getFileStore() == null || mv.isReadOnly()) {
      return null;
    }
    return mv.getFileStore().getFileName() == null ? null : mv;
  }

  @Override
  public void close() {
    // no interrupt: one landing in the fsync would close H2's file channel
    thread.shutdown();
    try {
      // a pass in flight ends before the pool (and so the database) closes under it
      thread.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
