package dev.fabricscope.inventory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL of {@link JdbcInventoryStore#deleteHostsCreatedBy}, inside the caller's transaction: one
 * batch of a creator's hosts deleted as {@link JdbcInventoryStore#deleteHost} deletes one.
 */
final class CreatorDeletes {

  private CreatorDeletes() {}

  /** Deletes at most {@code max} of {@code createdBy}'s hosts; returns the names deleted. */
  static List<String> deleteBatch(Connection c, String createdBy, int max) throws SQLException {
    List<String> names = new ArrayList<>();
    // max is an int the store checked, never user text
    try (var ps =
        c.prepareStatement(
            "SELECT name FROM hosts WHERE created_by = ? ORDER BY name LIMIT " + max)) {
      ps.setString(1, createdBy);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
    }
    if (names.isEmpty()) {
      return names;
    }
    // The creator again in each delete: a host deleted by someone else since the select, and made
    // again by another caller, is not this creator's and stays. Only rows this batch removed count.
    List<String> deleted = new ArrayList<>();
    try (var ps = c.prepareStatement("DELETE FROM hosts WHERE name = ? AND created_by = ?")) {
      for (String name : names) {
        ps.setString(1, name);
        ps.setString(2, createdBy);
        ps.addBatch();
      }
      int[] counts = ps.executeBatch();
      for (int i = 0; i < counts.length; i++) {
        if (counts[i] > 0) {
          deleted.add(names.get(i));
        }
      }
    }
    if (deleted.isEmpty()) {
      return deleted;
    }
    // snapshots, labels and the planner's offers went with the rows (ON DELETE CASCADE); the
    // agents' capabilities are keyed by host name, as deleteHost removes them
    try (var ps = c.prepareStatement("DELETE FROM agent_capabilities WHERE host = ?")) {
      for (String name : deleted) {
        ps.setString(1, name);
        ps.addBatch();
      }
      ps.executeBatch();
    }
    return deleted;
  }
}
