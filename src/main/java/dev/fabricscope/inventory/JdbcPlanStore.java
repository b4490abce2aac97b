package dev.fabricscope.inventory;

import static dev.fabricscope.inventory.Jdbc.getInstant;
import static dev.fabricscope.inventory.Jdbc.setInstant;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** {@link PlanStore} on plain JDBC (H2 and PostgreSQL). */
public class JdbcPlanStore implements PlanStore {

  private final DataSource ds;
  private final Limits limits;
  private final SnapshotSpace space;

  /** A store on an already migrated database (see {@link Database#migrate}). */
  public JdbcPlanStore(DataSource dataSource) {
    this(dataSource, Limits.NONE, SnapshotSpace.UNCHECKED);
  }

  /**
   * A store that keeps plans within {@code limits} and writes none while {@code space} has no room
   * (507: {@code fabricscope.history.min-free-disk}; one operator's plans had grown an H2 file to
   * 1.1 GB in 39 s past the floor, fourteenth security review).
   */
  public JdbcPlanStore(DataSource dataSource, Limits limits, SnapshotSpace space) {
    this.ds = dataSource;
    this.limits = limits;
    this.space = space;
  }

  @Override
  public long create(
      String name, String host, long snapshotId, String reportJson, String by, Instant now) {
    space.checkRoom("no new plans are stored");
    return Jdbc.transaction(
        ds,
        "creating a plan",
        c -> {
          try (var ps = c.prepareStatement("SELECT COUNT(*) FROM plans WHERE created_by = ?")) {
            ps.setString(1, by);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              if (rs.getLong(1) >= limits.plansPerCreator()) {
                throw new LimitReachedException(
                    by
                        + " has "
                        + limits.plansPerCreator()
                        + " plans (fabricscope.plans.max-per-creator): delete one first");
              }
            }
          }
          long id;
          try (var ps =
              c.prepareStatement(
                  "INSERT INTO plans (name, host, snapshot_id, base_report, created, created_by)"
                      + " VALUES (?, ?, ?, ?, ?, ?)",
                  Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, name);
            ps.setString(2, host);
            ps.setLong(3, snapshotId);
            ps.setBytes(4, Jdbc.gzip(reportJson.getBytes(StandardCharsets.UTF_8)));
            setInstant(ps, 5, now);
            ps.setString(6, by);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
              keys.next();
              id = keys.getLong(1);
            }
          }
          insertVersion(c, id, 1, "[]", null, by, now);
          return id;
        });
  }

  @Override
  public int addVersion(
      long planId, int basedOn, String editsJson, String note, String by, Instant now) {
    space.checkRoom("no new plan versions are stored");
    for (int attempt = 1; ; attempt++) {
      try {
        return Jdbc.inTransaction(
            ds,
            c -> {
              // the plan row locked first: a delete committing between the version count and the
              // insert had failed the insert on the foreign key, a 500 (fourteenth review)
              try (var ps = c.prepareStatement("SELECT id FROM plans WHERE id = ? FOR UPDATE")) {
                ps.setLong(1, planId);
                try (ResultSet rs = ps.executeQuery()) {
                  if (!rs.next()) {
                    throw new NoPlanException(planId);
                  }
                }
              }
              int latest;
              try (var ps =
                  c.prepareStatement("SELECT MAX(version) FROM plan_versions WHERE plan_id = ?")) {
                ps.setLong(1, planId);
                try (ResultSet rs = ps.executeQuery()) {
                  rs.next();
                  latest = rs.getInt(1);
                }
              }
              if (latest != basedOn) {
                throw new StaleVersionException(latest);
              }
              if (latest >= limits.versionsPerPlan()) {
                throw new LimitReachedException(
                    "plan "
                        + planId
                        + " has "
                        + limits.versionsPerPlan()
                        + " versions (fabricscope.plans.max-versions): start a new plan");
              }
              try (var ps =
                  c.prepareStatement(
                      "SELECT COALESCE(SUM(LENGTH(edits)), 0) FROM plan_versions WHERE plan_id = ?")) {
                ps.setLong(1, planId);
                try (ResultSet rs = ps.executeQuery()) {
                  rs.next();
                  if (rs.getLong(1) + editsJson.length() > limits.bytesPerPlan()) {
                    throw new LimitReachedException(
                        "plan "
                            + planId
                            + " keeps "
                            + rs.getLong(1)
                            + " characters of edit lists; this version's "
                            + editsJson.length()
                            + " would pass "
                            + limits.bytesPerPlan()
                            + " (fabricscope.plans.max-bytes): start a new plan");
                  }
                }
              }
              // two saves on top of the same version: the second insert hits the primary key
              insertVersion(c, planId, latest + 1, editsJson, note, by, now);
              return latest + 1;
            });
      } catch (SQLException e) {
        if (Jdbc.transientFailure(e) && attempt < 3) {
          Jdbc.backOff(attempt);
          continue;
        }
        if (isDuplicateKey(e)) {
          throw new StaleVersionException(basedOn + 1);
        }
        if (isMissingPlan(e)) {
          throw new NoPlanException(planId);
        }
        throw new StoreException("storing a plan version failed", e);
      }
    }
  }

  private static boolean isDuplicateKey(SQLException e) {
    // 23505: unique violation in both H2 and PostgreSQL
    return "23505".equals(e.getSQLState());
  }

  private static boolean isMissingPlan(SQLException e) {
    // the row lock makes this unreachable; kept for a database that skips FOR UPDATE: 23506 is
    // H2's referential integrity violation, 23503 PostgreSQL's foreign key violation
    return "23506".equals(e.getSQLState()) || "23503".equals(e.getSQLState());
  }

  private static void insertVersion(
      Connection c, long planId, int version, String edits, String note, String by, Instant now)
      throws SQLException {
    try (var ps =
        c.prepareStatement(
            "INSERT INTO plan_versions (plan_id, version, edits, note, created, created_by)"
                + " VALUES (?, ?, ?, ?, ?, ?)")) {
      ps.setLong(1, planId);
      ps.setInt(2, version);
      ps.setString(3, edits);
      ps.setString(4, note);
      setInstant(ps, 5, now);
      ps.setString(6, by);
      ps.executeUpdate();
    }
  }

  @Override
  public Optional<Plan> plan(long id) {
    return Jdbc.query(
        ds,
        "reading a plan",
        c -> {
          List<Summary> one = summaries(c, "WHERE p.id = ?", id, 1);
          if (one.isEmpty()) {
            return Optional.<Plan>empty();
          }
          Summary p = one.get(0);
          return Optional.of(
              new Plan(
                  p.id(),
                  p.name(),
                  p.host(),
                  p.snapshotId(),
                  p.created(),
                  p.createdBy(),
                  versions(c, p.id())));
        });
  }

  @Override
  public Optional<Summary> summary(long id) {
    List<Summary> one =
        Jdbc.query(ds, "reading a plan", c -> summaries(c, "WHERE p.id = ?", id, 1));
    return one.isEmpty() ? Optional.empty() : Optional.of(one.get(0));
  }

  @Override
  public List<Summary> plans(int limit) {
    return Jdbc.query(ds, "reading plans", c -> summaries(c, "", null, limit));
  }

  @Override
  public Optional<Version> version(long planId, int version) {
    return Jdbc.query(
        ds,
        "reading a plan version",
        c -> {
          try (var ps =
              c.prepareStatement(
                  "SELECT version, edits, note, created, created_by FROM plan_versions"
                      + " WHERE plan_id = ? AND version = ?")) {
            ps.setLong(1, planId);
            ps.setInt(2, version);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(version(rs)) : Optional.<Version>empty();
            }
          }
        });
  }

  /** Plans without their versions' edits; the latest version number from the index. */
  private static List<Summary> summaries(Connection c, String where, Long id, int limit)
      throws SQLException {
    List<Summary> out = new ArrayList<>();
    try (var ps =
        c.prepareStatement(
            "SELECT p.id, p.name, p.host, p.snapshot_id, p.created, p.created_by,"
                + " (SELECT MAX(v.version) FROM plan_versions v WHERE v.plan_id = p.id) AS latest"
                + " FROM plans p "
                + where
                + " ORDER BY p.id DESC")) {
      if (id != null) {
        ps.setLong(1, id);
      }
      ps.setMaxRows(limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new Summary(
                  rs.getLong("id"),
                  rs.getString("name"),
                  rs.getString("host"),
                  rs.getLong("snapshot_id"),
                  getInstant(rs, "created"),
                  rs.getString("created_by"),
                  rs.getInt("latest")));
        }
      }
    }
    return out;
  }

  private static List<Version> versions(Connection c, long planId) throws SQLException {
    List<Version> out = new ArrayList<>();
    try (var ps =
        c.prepareStatement(
            "SELECT version, edits, note, created, created_by FROM plan_versions"
                + " WHERE plan_id = ? ORDER BY version")) {
      ps.setLong(1, planId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(version(rs));
        }
      }
    }
    return out;
  }

  private static Version version(ResultSet rs) throws SQLException {
    return new Version(
        rs.getInt("version"),
        rs.getString("edits"),
        rs.getString("note"),
        getInstant(rs, "created"),
        rs.getString("created_by"));
  }

  @Override
  public Optional<String> baseReport(long id) {
    return Jdbc.query(
        ds,
        "reading a plan's report",
        c -> {
          try (var ps = c.prepareStatement("SELECT base_report FROM plans WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(Jdbc.gunzip(rs.getBytes(1))) : Optional.empty();
            }
          }
        });
  }

  @Override
  public boolean delete(long id) {
    return Jdbc.transaction(
        ds,
        "deleting a plan",
        c -> {
          try (var ps = c.prepareStatement("DELETE FROM plans WHERE id = ?")) {
            ps.setLong(1, id);
            return ps.executeUpdate() > 0;
          }
        });
  }
}
