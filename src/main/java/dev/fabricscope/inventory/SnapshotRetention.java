package dev.fabricscope.inventory;

import dev.fabricscope.inventory.InventoryStore.Retention;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies {@link Retention} to one host inside an ingest transaction that holds the host row's
 * lock: removes the oldest snapshots (received time, then id; never the one just stored) until the
 * host's count and bytes are within the limits. The count and byte total come from the host row, so
 * an ingest within the limits reads no snapshot rows at all.
 */
final class SnapshotRetention {

  /** What is left after pruning, and how many snapshots went. */
  record After(long count, long bytes, int pruned) {}

  private SnapshotRetention() {}

  /**
   * Prunes host {@code hostId} that now has {@code count} snapshots of {@code bytes} bytes, keeping
   * {@code keepId} (the new latest).
   */
  static After prune(
      Connection c, long hostId, long keepId, long count, long bytes, Retention retention)
      throws SQLException {
    if (retention.holds(count, bytes)) {
      return new After(count, bytes, 0);
    }
    List<Long> doomed = new ArrayList<>();
    try (var ps =
        c.prepareStatement(
            "SELECT id, report_bytes FROM snapshots WHERE host_id = ? AND id <> ?"
                + " ORDER BY received_at, id")) {
      ps.setLong(1, hostId);
      ps.setLong(2, keepId);
      // Usually one or two rows go: read a few at a time, not the host's whole history.
      ps.setFetchSize(16);
      try (ResultSet rs = ps.executeQuery()) {
        while (!retention.holds(count, bytes) && rs.next()) {
          doomed.add(rs.getLong(1));
          count--;
          bytes -= rs.getLong(2);
        }
      }
    }
    if (!doomed.isEmpty()) {
      try (var ps = c.prepareStatement("DELETE FROM snapshots WHERE id = ?")) {
        for (long id : doomed) {
          ps.setLong(1, id);
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
    return new After(count, bytes, doomed.size());
  }
}
