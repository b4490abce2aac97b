package dev.fabricscope.inventory;

import static dev.fabricscope.inventory.Jdbc.getInstant;
import static dev.fabricscope.inventory.Jdbc.setInstant;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;

/** {@link AgentCapabilityStore} on plain JDBC (H2 and PostgreSQL). */
public class JdbcAgentCapabilityStore implements AgentCapabilityStore {

  private final DataSource ds;

  /** A store on an already migrated database (see {@link Database#migrate}). */
  public JdbcAgentCapabilityStore(DataSource dataSource) {
    this.ds = dataSource;
  }

  @Override
  public void putCapabilities(String host, String json, Instant now) {
    for (int attempt = 1; ; attempt++) {
      try {
        Jdbc.inTransaction(ds, c -> replaceCapabilities(c, host, json, now));
        return;
      } catch (SQLException e) {
        if (attempt >= 5 || !Jdbc.transientFailure(e)) {
          throw new StoreException("storing capabilities failed", e);
        }
        Jdbc.backOff(attempt); // two PUTs of one host at once
      }
    }
  }

  private static int replaceCapabilities(Connection c, String host, String json, Instant now)
      throws SQLException {
    try (var del = c.prepareStatement("DELETE FROM agent_capabilities WHERE host = ?");
        var ins =
            c.prepareStatement(
                "INSERT INTO agent_capabilities (host, capabilities, updated) VALUES (?, ?, ?)")) {
      del.setString(1, host);
      del.executeUpdate();
      ins.setString(1, host);
      ins.setString(2, json);
      setInstant(ins, 3, now);
      return ins.executeUpdate();
    }
  }

  @Override
  public Optional<Capabilities> capabilities(String host) {
    try (Connection c = ds.getConnection();
        var ps =
            c.prepareStatement(
                "SELECT capabilities, updated FROM agent_capabilities WHERE host = ?")) {
      ps.setString(1, host);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(new Capabilities(host, rs.getString(1), getInstant(rs, "updated")))
            : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException("reading capabilities failed", e);
    }
  }
}
