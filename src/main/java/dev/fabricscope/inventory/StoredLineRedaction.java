package dev.fabricscope.inventory;

import dev.fabricscope.report.StoredCommandLines;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Redacts the kernel command lines of reports stored before reports were redacted ({@code
 * KernelCommandLine}, fifteenth security review, finding 3) where they are kept — each snapshot,
 * and each plan's copy of its host's report — so that a credential an old agent sent ({@code
 * netroot=iscsi:USER:PASSWORD@…}) is no longer served to every viewer of the host's history ({@code
 * GET /hosts/{h}/snapshots/{id}} answers the stored bytes as they are). Only the string changes
 * ({@link StoredCommandLines}); a snapshot's content hash stays the one its agent sent, and its
 * host's byte count follows the new size.
 *
 * <p>Run by a server after its start, in the background, one row per short transaction: as one
 * migration it had held every host row's lock until it committed, and on a large PostgreSQL history
 * it outlasted the chart's start-up probe, so the pod was killed and the next one began again (a
 * review of the change). A snapshot's host row is locked first, as an ingest locks it, so the two
 * wait for each other instead of deadlocking. Done once: the {@code maintenance} row {@value #NAME}
 * records it; replicas that run it at the same time do the same harmless work twice.
 */
public final class StoredLineRedaction {

  private static final Logger LOG = Logger.getLogger(StoredLineRedaction.class);

  /** The {@code maintenance} row that says it was done. */
  public static final String NAME = "redact-kernel-command-lines";

  /** Ids read per query: a page of keys, each row then read alone. */
  private static final int IDS_PER_PAGE = 500;

  private final DataSource ds;

  public StoredLineRedaction(DataSource ds) {
    this.ds = ds;
  }

  /** Whether it was done already (by this server or another). */
  public boolean done() throws SQLException {
    return Jdbc.inTransaction(
        ds,
        c -> {
          try (var ps = c.prepareStatement("SELECT 1 FROM maintenance WHERE name = ?")) {
            ps.setString(1, NAME);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next();
            }
          }
        });
  }

  /**
   * Redacts every stored snapshot and plan, then records that it was done; the number of rows
   * changed. Safe to run again, and beside ingests.
   */
  public int run() throws SQLException {
    int snapshots = redact("snapshots", "report");
    int plans = redact("plans", "base_report");
    Jdbc.inTransaction(
        ds,
        c -> {
          try (var ps =
              c.prepareStatement(
                  "INSERT INTO maintenance (name, done_at) SELECT ?, ? WHERE NOT EXISTS"
                      + " (SELECT 1 FROM maintenance WHERE name = ?)")) {
            ps.setString(1, NAME);
            ps.setTimestamp(2, Timestamp.from(Instant.now()));
            ps.setString(3, NAME);
            return ps.executeUpdate();
          }
        });
    LOG.infof(
        "Redacted the kernel command line of %d stored snapshot(s) and %d plan(s)",
        snapshots, plans);
    return snapshots + plans;
  }

  private int redact(String table, String column) throws SQLException {
    int changed = 0;
    long after = Long.MIN_VALUE;
    while (true) {
      long from = after;
      List<Long> ids = Jdbc.inTransaction(ds, c -> ids(c, table, from));
      if (ids.isEmpty()) {
        return changed;
      }
      for (long id : ids) {
        if (redactRow(table, column, id)) {
          changed++;
        }
      }
      after = ids.get(ids.size() - 1);
    }
  }

  private static List<Long> ids(Connection c, String table, long after) throws SQLException {
    List<Long> ids = new ArrayList<>();
    try (var ps = c.prepareStatement("SELECT id FROM " + table + " WHERE id > ? ORDER BY id")) {
      ps.setMaxRows(IDS_PER_PAGE);
      ps.setLong(1, after);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getLong(1));
        }
      }
    }
    return ids;
  }

  /** One row in its own transaction, retried on a transient failure (a lock wait, a deadlock). */
  private boolean redactRow(String table, String column, long id) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try {
        return Jdbc.inTransaction(ds, c -> redactRow(c, table, column, id));
      } catch (SQLException e) {
        if (!Jdbc.transientFailure(e) || attempt >= 10) {
          throw e;
        }
        Jdbc.backOff(attempt);
      }
    }
  }

  private static boolean redactRow(Connection c, String table, String column, long id)
      throws SQLException {
    boolean snapshots = table.equals("snapshots");
    if (snapshots) {
      // the host row first, as an ingest locks it before it prunes that host's snapshots
      try (var ps =
          c.prepareStatement(
              "SELECT id FROM hosts WHERE id = (SELECT host_id FROM snapshots WHERE id = ?)"
                  + " FOR UPDATE")) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return false; // pruned meanwhile
          }
        }
      }
    }
    byte[] stored;
    try (var ps = c.prepareStatement("SELECT " + column + " FROM " + table + " WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return false;
        }
        stored = rs.getBytes(1);
      }
    }
    Optional<byte[]> redacted;
    try {
      redacted = StoredCommandLines.redact(Jdbc.gunzip(stored).getBytes(StandardCharsets.UTF_8));
    } catch (IOException | UncheckedIOException e) {
      // not gzip JSON: no server wrote it; left as it is
      LOG.warnf("%s row %d is not a gzip JSON report, left as it is: %s", table, id, e);
      return false;
    }
    if (redacted.isEmpty()) {
      return false;
    }
    byte[] gz = Jdbc.gzip(redacted.get());
    String set = snapshots ? column + " = ?, report_bytes = ?" : column + " = ?";
    try (var ps = c.prepareStatement("UPDATE " + table + " SET " + set + " WHERE id = ?")) {
      ps.setBytes(1, gz);
      if (snapshots) {
        ps.setLong(2, gz.length);
        ps.setLong(3, id);
      } else {
        ps.setLong(2, id);
      }
      ps.executeUpdate();
    }
    if (snapshots) {
      try (var ps =
          c.prepareStatement(
              "UPDATE hosts SET snapshot_bytes = snapshot_bytes + ?"
                  + " WHERE id = (SELECT host_id FROM snapshots WHERE id = ?)")) {
        ps.setLong(1, (long) gz.length - stored.length);
        ps.setLong(2, id);
        ps.executeUpdate();
      }
    }
    return true;
  }
}
