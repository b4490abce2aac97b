package dev.fabricscope.inventory;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** {@link OfferStore} on plain JDBC (H2 and PostgreSQL), table {@code host_offers}. */
public class JdbcOfferStore implements OfferStore {

  private final DataSource ds;

  /** A store on an already migrated database (see {@link Database#migrate}). */
  public JdbcOfferStore(DataSource dataSource) {
    this.ds = dataSource;
  }

  @Override
  public void put(String planner, List<Offer> offers) {
    // one batch: NOT EXISTS skips an offer stored already and the join one whose snapshot is
    // gone; the same offer inserted by another replica at the same moment fails the batch (a
    // StoreException), whose offers are then planned from their reports at the next start
    Jdbc.transaction(
        ds,
        "storing offers",
        c -> {
          try (var ins =
              c.prepareStatement(
                  "INSERT INTO host_offers (snapshot_id, planner, offer_gz)"
                      + " SELECT id, ?, ? FROM snapshots s WHERE id = ? AND NOT EXISTS"
                      + " (SELECT 1 FROM host_offers o WHERE o.snapshot_id = s.id"
                      + " AND o.planner = ?)")) {
            for (Offer o : offers) {
              ins.setString(1, planner);
              ins.setBytes(2, Jdbc.gzip(o.json().getBytes(StandardCharsets.UTF_8)));
              ins.setLong(3, o.snapshotId());
              ins.setString(4, planner);
              ins.addBatch();
            }
            ins.executeBatch();
          }
          return null;
        });
  }

  @Override
  public List<Latest> latest(String planner) {
    return Jdbc.query(
        ds,
        "reading offers",
        c -> {
          List<Latest> out = new ArrayList<>();
          try (var ps =
              c.prepareStatement(
                  "SELECT h.name, o.snapshot_id, o.offer_gz FROM hosts h JOIN host_offers o"
                      + " ON o.snapshot_id = h.latest_snapshot_id WHERE o.planner = ?")) {
            ps.setString(1, planner);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(new Latest(rs.getString(1), rs.getLong(2), Jdbc.gunzip(rs.getBytes(3))));
              }
            }
          }
          return out;
        });
  }

  @Override
  public int prune(String planner) {
    return Jdbc.transaction(ds, "pruning offers", c -> prune(c, planner));
  }

  private static int prune(Connection c, String planner) throws SQLException {
    try (var del =
        c.prepareStatement(
            "DELETE FROM host_offers WHERE planner <> ? OR snapshot_id NOT IN"
                + " (SELECT latest_snapshot_id FROM hosts WHERE latest_snapshot_id IS NOT NULL)")) {
      del.setString(1, planner);
      return del.executeUpdate();
    }
  }
}
