package dev.fabricscope.inventory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** Helpers for the contract tests. */
final class TestDatabases {

  private TestDatabases() {}

  /** Empties every table, children first, so each test starts from nothing. */
  static void clear(DataSource ds) throws SQLException {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.executeUpdate("DELETE FROM plans");
      s.executeUpdate("DELETE FROM fabric_discoveries");
      s.executeUpdate("DELETE FROM bandwidth_jobs");
      s.executeUpdate("DELETE FROM agent_capabilities");
      s.executeUpdate("DELETE FROM host_labels");
      s.executeUpdate("DELETE FROM snapshots");
      s.executeUpdate("DELETE FROM hosts");
      s.executeUpdate("DELETE FROM tokens");
    }
  }
}
