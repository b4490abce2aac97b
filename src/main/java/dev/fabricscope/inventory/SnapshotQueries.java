package dev.fabricscope.inventory;

import static dev.fabricscope.inventory.Jdbc.getInstant;
import static dev.fabricscope.inventory.Jdbc.setInstant;

import dev.fabricscope.inventory.InventoryStore.SnapshotMeta;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The snapshot reads of {@link JdbcInventoryStore}: a host's snapshots (all, or a page), one
 * snapshot's metadata or report. Each method runs on a connection it is given.
 */
final class SnapshotQueries {

  private static final String SNAPSHOT_COLUMNS =
      "s.id, s.host_id, s.received_at, s.content_hash, s.source, s.imported";

  List<SnapshotMeta> snapshots(Connection c, String hostName) throws SQLException {
    try (var ps =
        c.prepareStatement(
            "SELECT "
                + SNAPSHOT_COLUMNS
                + " FROM snapshots s JOIN hosts h ON h.id = s.host_id WHERE h.name = ?"
                + " ORDER BY s.received_at DESC, s.id DESC")) {
      ps.setString(1, hostName);
      return readSnapshots(ps);
    }
  }

  /**
   * At most {@code limit} of a host's snapshots, newest first, older than its snapshot {@code
   * before} (null: from the newest) in that order (received, then id); empty when {@code before} is
   * not one of the host's.
   */
  List<SnapshotMeta> snapshots(Connection c, String hostName, Long before, int limit)
      throws SQLException {
    String older = "";
    if (before != null) {
      older =
          " AND (s.received_at < b.received_at"
              + " OR (s.received_at = b.received_at AND s.id < b.id))";
    }
    try (var ps =
        c.prepareStatement(
            "SELECT "
                + SNAPSHOT_COLUMNS
                + " FROM snapshots s JOIN hosts h ON h.id = s.host_id"
                + (before == null ? "" : " JOIN snapshots b ON b.host_id = h.id AND b.id = ?")
                + " WHERE h.name = ?"
                + older
                + " ORDER BY s.received_at DESC, s.id DESC LIMIT "
                + limit)) {
      int i = 1;
      if (before != null) {
        ps.setLong(i++, before);
      }
      ps.setString(i, hostName);
      return readSnapshots(ps);
    }
  }

  Optional<SnapshotMeta> snapshot(Connection c, long id) throws SQLException {
    try (var ps =
        c.prepareStatement("SELECT " + SNAPSHOT_COLUMNS + " FROM snapshots s WHERE s.id = ?")) {
      ps.setLong(1, id);
      return readSnapshots(ps).stream().findFirst();
    }
  }

  Optional<SnapshotMeta> snapshotAt(Connection c, String hostName, Instant at) throws SQLException {
    try (var ps =
        c.prepareStatement(
            "SELECT "
                + SNAPSHOT_COLUMNS
                + " FROM snapshots s JOIN hosts h ON h.id = s.host_id"
                + " WHERE h.name = ? AND s.received_at <= ?"
                + " ORDER BY s.received_at DESC, s.id DESC LIMIT 1")) {
      ps.setString(1, hostName);
      setInstant(ps, 2, at);
      return readSnapshots(ps).stream().findFirst();
    }
  }

  Optional<String> snapshotJson(Connection c, long id) throws SQLException {
    return snapshotGzip(c, id).map(Jdbc::gunzip);
  }

  Optional<byte[]> snapshotGzip(Connection c, long id) throws SQLException {
    try (var ps = c.prepareStatement("SELECT report FROM snapshots WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
      }
    }
  }

  private static List<SnapshotMeta> readSnapshots(PreparedStatement ps) throws SQLException {
    List<SnapshotMeta> result = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        result.add(
            new SnapshotMeta(
                rs.getLong("id"),
                rs.getLong("host_id"),
                getInstant(rs, "received_at"),
                rs.getString("content_hash"),
                rs.getString("source"),
                rs.getBoolean("imported")));
      }
    }
    return result;
  }
}
