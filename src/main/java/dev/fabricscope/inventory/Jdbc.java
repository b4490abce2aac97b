package dev.fabricscope.inventory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import javax.sql.DataSource;

/** Small JDBC helpers shared by the stores; everything here works the same on H2 and PostgreSQL. */
final class Jdbc {

  /** SQLState of a unique-constraint violation on both H2 and PostgreSQL. */
  static final String UNIQUE_VIOLATION = "23505";

  private Jdbc() {}

  /** Work inside a transaction. */
  @FunctionalInterface
  interface TxWork<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code work} in one transaction: commit on return, rollback on any exception. */
  static <T> T inTransaction(DataSource ds, TxWork<T> work) throws SQLException {
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException | Error e) {
        try {
          c.rollback();
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
      // No setAutoCommit(true) here: the pool resets it on return, and a failing reset on a broken
      // connection would hide the original exception.
    }
  }

  /** Runs work on one connection (no transaction); a failure is a {@link StoreException}. */
  static <T> T query(DataSource ds, String what, TxWork<T> work) {
    try (Connection c = ds.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new StoreException(what + " failed", e);
    }
  }

  /** {@link #inTransaction} with a failure as a {@link StoreException}. */
  static <T> T transaction(DataSource ds, String what, TxWork<T> work) {
    try {
      return inTransaction(ds, work);
    } catch (SQLException e) {
      throw new StoreException(what + " failed", e);
    }
  }

  /**
   * Whether a failure is worth retrying the whole transaction for: a unique violation from a
   * concurrent insert, a serialization failure or deadlock (PostgreSQL 40001/40P01), a lock timeout
   * (H2 HYT00) or H2's "concurrent update" (90131).
   */
  static boolean transientFailure(SQLException e) {
    for (SQLException x = e; x != null; x = x.getNextException()) {
      String state = x.getSQLState();
      if (UNIQUE_VIOLATION.equals(state)
          || "40001".equals(state)
          || "40P01".equals(state)
          || "HYT00".equals(state)
          || x.getErrorCode() == 90131) {
        return true;
      }
    }
    return false;
  }

  /** Sleeps before retry number {@code attempt} of a transaction. */
  static void backOff(int attempt) {
    try {
      // Jittered, growing to 50 ms: racing writers spread out instead of colliding again.
      Thread.sleep(ThreadLocalRandom.current().nextLong(1, 5L * Math.min(attempt, 10) + 2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while retrying", e);
    }
  }

  /**
   * Instants are kept to microseconds, the precision of both databases, so what is read back equals
   * what was written.
   */
  static Instant micros(Instant t) {
    return t == null ? null : t.truncatedTo(ChronoUnit.MICROS);
  }

  static void setInstant(PreparedStatement ps, int index, Instant t) throws SQLException {
    ps.setObject(index, t == null ? null : OffsetDateTime.ofInstant(micros(t), ZoneOffset.UTC));
  }

  /**
   * An Integer parameter, typed when null: PostgreSQL cannot infer the type of an untyped null
   * parameter (in COALESCE, for one).
   */
  static void setIntOrNull(PreparedStatement ps, int i, Integer v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.INTEGER);
    } else {
      ps.setInt(i, v);
    }
  }

  /** A Double parameter, typed when null (see {@link #setIntOrNull}). */
  static void setDoubleOrNull(PreparedStatement ps, int i, Double v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.DOUBLE);
    } else {
      ps.setDouble(i, v);
    }
  }

  static Instant getInstant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  static Long getLongOrNull(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }

  static byte[] gzip(byte[] text) {
    var out = new ByteArrayOutputStream(Math.max(64, text.length / 8));
    // fastest level: reports compress ~10x at level 1 already; higher levels cost more CPU than
    // they save bytes on the ingest path
    try (var gz =
        new GZIPOutputStream(out) {
          {
            def.setLevel(java.util.zip.Deflater.BEST_SPEED);
          }
        }) {
      gz.write(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static String gunzip(byte[] bytes) {
    try (var gz = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      return new String(gz.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Escapes {@code %}, {@code _} and the escape character {@code !} for {@code LIKE ... ESCAPE
   * '!'}.
   */
  static String likeContains(String text) {
    String escaped = text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    return "%" + escaped + "%";
  }
}
