package dev.fabricscope.inventory;

import dev.fabricscope.report.StoredCommandLines;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;
import org.jboss.logging.Logger;

/**
 * Migration V8: the kernel command lines of reports stored before reports were redacted ({@code
 * KernelCommandLine}, fifteenth security review, finding 3) are redacted where they are kept — each
 * snapshot, and each plan's copy of its host's report — so that a credential an old agent sent
 * ({@code netroot=iscsi:USER:PASSWORD@…}) is no longer served to every viewer of the host's history
 * ({@code GET /hosts/{h}/snapshots/{id}} answers the stored bytes as they are). Only the string
 * changes ({@link StoredCommandLines}); the snapshot's content hash stays the one its agent sent,
 * and the host's byte count follows the new size. Rows are read one at a time (a report may be tens
 * of megabytes), in one transaction with the other migrations.
 */
final class KernelCommandLineRedaction implements JavaMigration {

  private static final Logger LOG = Logger.getLogger(KernelCommandLineRedaction.class);

  /** Ids read per query: a page of keys, each row then read alone. */
  private static final int IDS_PER_PAGE = 500;

  @Override
  public MigrationVersion getVersion() {
    return MigrationVersion.fromVersion("8");
  }

  @Override
  public String getDescription() {
    return "redact kernel command lines";
  }

  @Override
  public Integer getChecksum() {
    return null;
  }

  @Override
  public boolean canExecuteInTransaction() {
    return true;
  }

  @Override
  public void migrate(Context context) throws SQLException {
    Connection c = context.getConnection();
    int snapshots = redact(c, "snapshots", "report", true);
    int plans = redact(c, "plans", "base_report", false);
    if (snapshots + plans > 0) {
      LOG.infof(
          "Redacted the kernel command line of %d stored snapshot(s) and %d plan(s)",
          snapshots, plans);
    }
  }

  /** Redacts {@code column} (gzip report JSON) of every row of {@code table}; the rows changed. */
  static int redact(Connection c, String table, String column, boolean snapshots)
      throws SQLException {
    int changed = 0;
    long after = Long.MIN_VALUE;
    while (true) {
      List<Long> ids = ids(c, table, after);
      if (ids.isEmpty()) {
        return changed;
      }
      for (long id : ids) {
        if (redactRow(c, table, column, id, snapshots)) {
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

  private static boolean redactRow(
      Connection c, String table, String column, long id, boolean snapshots) throws SQLException {
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
      // not gzip JSON: no server wrote it; left as it is rather than stopping the start
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
