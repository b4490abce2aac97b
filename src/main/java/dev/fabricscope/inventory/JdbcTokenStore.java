package dev.fabricscope.inventory;

import static dev.fabricscope.inventory.Jdbc.getInstant;
import static dev.fabricscope.inventory.Jdbc.setInstant;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * {@link TokenStore} on plain JDBC (H2 and PostgreSQL). Secret hashes are unique: {@link #create}
 * throws {@link IllegalArgumentException} for a hash already stored. Revoking is idempotent and
 * keeps the first revocation time. {@link #anyAdmin} counts revoked admin tokens too, so the
 * bootstrap token is created exactly once.
 */
public class JdbcTokenStore implements TokenStore {

  private static final String COLUMNS = "id, name, role, host, created, revoked";

  private final DataSource ds;

  /** A store on an already migrated database (see {@link Database#migrate}). */
  public JdbcTokenStore(DataSource dataSource) {
    this.ds = dataSource;
  }

  @Override
  public Token create(String name, Role role, String host, String secretHash, Instant now) {
    Instant created = Jdbc.micros(now);
    try (Connection c = ds.getConnection();
        var ps =
            c.prepareStatement(
                "INSERT INTO tokens (name, role, host, secret_hash, created) VALUES (?, ?, ?, ?, ?)",
                new String[] {"id"})) {
      ps.setString(1, name);
      ps.setString(2, role.name());
      ps.setString(3, host);
      ps.setString(4, secretHash);
      setInstant(ps, 5, created);
      ps.executeUpdate();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        keys.next();
        return new Token(keys.getLong(1), name, role, host, created, null);
      }
    } catch (SQLException e) {
      if (Jdbc.UNIQUE_VIOLATION.equals(e.getSQLState())) {
        throw new IllegalArgumentException("a token with this secret hash exists", e);
      }
      throw new StoreException("creating token " + name + " failed", e);
    }
  }

  @Override
  public Optional<Token> findByHash(String secretHash) {
    try (Connection c = ds.getConnection();
        var ps = c.prepareStatement("SELECT " + COLUMNS + " FROM tokens WHERE secret_hash = ?")) {
      ps.setString(1, secretHash);
      List<Token> tokens = read(ps.executeQuery());
      return tokens.stream().findFirst();
    } catch (SQLException e) {
      throw new StoreException("token lookup failed", e);
    }
  }

  @Override
  public boolean revoke(long id, Instant now) {
    try (Connection c = ds.getConnection()) {
      try (var ps =
          c.prepareStatement("UPDATE tokens SET revoked = ? WHERE id = ? AND revoked IS NULL")) {
        setInstant(ps, 1, now);
        ps.setLong(2, id);
        if (ps.executeUpdate() == 1) {
          return true;
        }
      }
      // Already revoked (true) or no such token (false).
      try (var ps = c.prepareStatement("SELECT 1 FROM tokens WHERE id = ?")) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      }
    } catch (SQLException e) {
      throw new StoreException("revoking token " + id + " failed", e);
    }
  }

  @Override
  public List<Token> list() {
    try (Connection c = ds.getConnection();
        var ps = c.prepareStatement("SELECT " + COLUMNS + " FROM tokens ORDER BY id")) {
      return read(ps.executeQuery());
    } catch (SQLException e) {
      throw new StoreException("listing tokens failed", e);
    }
  }

  @Override
  public boolean anyAdmin() {
    try (Connection c = ds.getConnection();
        var ps = c.prepareStatement("SELECT 1 FROM tokens WHERE role = ? LIMIT 1")) {
      ps.setString(1, Role.ADMIN.name());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      throw new StoreException("admin token check failed", e);
    }
  }

  private static List<Token> read(ResultSet rs) throws SQLException {
    try (rs) {
      List<Token> tokens = new ArrayList<>();
      while (rs.next()) {
        tokens.add(
            new Token(
                rs.getLong("id"),
                rs.getString("name"),
                Role.valueOf(rs.getString("role")),
                rs.getString("host"),
                getInstant(rs, "created"),
                getInstant(rs, "revoked")));
      }
      return tokens;
    }
  }
}
