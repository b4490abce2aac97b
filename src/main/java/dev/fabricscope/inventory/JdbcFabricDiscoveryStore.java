package dev.fabricscope.inventory;

import static dev.fabricscope.inventory.Jdbc.getInstant;
import static dev.fabricscope.inventory.Jdbc.setInstant;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * {@link FabricDiscoveryStore} on plain JDBC (H2 and PostgreSQL), table {@code fabric_discoveries}.
 */
public class JdbcFabricDiscoveryStore implements FabricDiscoveryStore {

  private static final String COLUMNS =
      "name, bytes, fabric_key, switches, ca_ports, uploaded, uploaded_by";

  private final DataSource ds;

  /** A store on an already migrated database (see {@link Database#migrate}). */
  public JdbcFabricDiscoveryStore(DataSource dataSource) {
    this.ds = dataSource;
  }

  @Override
  public boolean put(Entry e, String text, Limits limits) {
    byte[] gz = Jdbc.gzip(text.getBytes(StandardCharsets.UTF_8));
    for (int attempt = 1; ; attempt++) {
      try {
        return Jdbc.inTransaction(ds, c -> replace(c, e, gz, limits));
      } catch (SQLException ex) {
        if (attempt >= 5 || !Jdbc.transientFailure(ex)) {
          throw new StoreException("storing discovery " + e.name() + " failed", ex);
        }
        Jdbc.backOff(attempt); // two uploads of one name at once: the later one wins
      }
    }
  }

  private static boolean replace(Connection c, Entry e, byte[] gz, Limits limits)
      throws SQLException {
    int deleted;
    try (var del = c.prepareStatement("DELETE FROM fabric_discoveries WHERE name = ?")) {
      del.setString(1, e.name());
      deleted = del.executeUpdate();
    }
    checkRoom(c, e, limits); // a throw rolls the delete back
    try (var ins =
        c.prepareStatement(
            "INSERT INTO fabric_discoveries ("
                + COLUMNS
                + ", text_gz) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      ins.setString(1, e.name());
      ins.setInt(2, e.bytes());
      ins.setString(3, e.fabricKey());
      ins.setInt(4, e.switches());
      ins.setInt(5, e.caPorts());
      setInstant(ins, 6, e.uploaded());
      ins.setString(7, e.uploadedBy());
      ins.setBytes(8, gz);
      ins.executeUpdate();
    }
    return deleted == 0;
  }

  /** Throws {@link Full} when the others and {@code e} together pass {@code limits}. */
  private static void checkRoom(Connection c, Entry e, Limits limits) throws SQLException {
    try (var ps =
            c.prepareStatement("SELECT COUNT(*), COALESCE(SUM(bytes), 0) FROM fabric_discoveries");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      limits.check(rs.getLong(1) + 1, rs.getLong(2) + e.bytes());
    }
  }

  @Override
  public List<Entry> list() {
    return Jdbc.query(
        ds,
        "listing discoveries",
        c -> {
          List<Entry> out = new ArrayList<>();
          try (var ps =
                  c.prepareStatement(
                      "SELECT " + COLUMNS + " FROM fabric_discoveries ORDER BY name");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(entry(rs));
            }
          }
          return out;
        });
  }

  @Override
  public List<Stored> all() {
    return Jdbc.query(
        ds,
        "reading discoveries",
        c -> {
          List<Stored> out = new ArrayList<>();
          try (var ps =
                  c.prepareStatement(
                      "SELECT " + COLUMNS + ", text_gz FROM fabric_discoveries ORDER BY name");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(new Stored(entry(rs), Jdbc.gunzip(rs.getBytes("text_gz"))));
            }
          }
          return out;
        });
  }

  @Override
  public Optional<byte[]> gzipped(String name) {
    return Jdbc.query(
        ds,
        "reading discovery " + name,
        c -> {
          try (var ps =
              c.prepareStatement("SELECT text_gz FROM fabric_discoveries WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(rs.getBytes("text_gz")) : Optional.empty();
            }
          }
        });
  }

  @Override
  public Optional<Stored> get(String name) {
    return Jdbc.query(
        ds,
        "reading discovery " + name,
        c -> {
          try (var ps =
              c.prepareStatement(
                  "SELECT " + COLUMNS + ", text_gz FROM fabric_discoveries WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next()
                  ? Optional.of(new Stored(entry(rs), Jdbc.gunzip(rs.getBytes("text_gz"))))
                  : Optional.empty();
            }
          }
        });
  }

  @Override
  public boolean delete(String name) {
    return Jdbc.transaction(
        ds,
        "deleting discovery " + name,
        c -> {
          try (var ps = c.prepareStatement("DELETE FROM fabric_discoveries WHERE name = ?")) {
            ps.setString(1, name);
            return ps.executeUpdate() > 0;
          }
        });
  }

  private static Entry entry(ResultSet rs) throws SQLException {
    return new Entry(
        rs.getString("name"),
        rs.getInt("bytes"),
        rs.getString("fabric_key"),
        rs.getInt("switches"),
        rs.getInt("ca_ports"),
        getInstant(rs, "uploaded"),
        rs.getString("uploaded_by"));
  }
}
