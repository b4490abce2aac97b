package dev.fabricscope.inventory;

import dev.fabricscope.inventory.BandwidthJobStore.NodeMemcpy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * How many finished bandwidth tests a source host keeps (twelfth security review, finding 2:
 * nothing was ever deleted, and one operator token that created and cancelled tests in a loop grew
 * the H2 file by 21 MB a second). Applied whenever a test is created for the host, after it is
 * stored: finished tests beyond the newest {@code keptPerHost} are deleted, and raw helper output
 * is kept for the newest {@code rawOutputsPerHost} only (up to 70,000 characters each).
 *
 * <p>Kept whatever their age: the host-memcpy baselines that expectations and the planner read, the
 * newest passed or measured copy of each path and thread count ({@link
 * BandwidthJobStore#lastHostMemcpy}) and the fastest within each node ({@link
 * BandwidthJobStore#bestHostMemcpyWithinNodes}), at most {@code keptPerHost} of the former and one
 * per NUMA node of the latter; so a host holds at most twice {@code keptPerHost} finished tests
 * plus one per node, and its active ones.
 *
 * @param keptPerHost finished tests kept per source host (≥ 1)
 * @param rawOutputsPerHost newest finished tests per source host that keep raw output (≥ 0)
 */
public record JobRetention(int keptPerHost, int rawOutputsPerHost) {

  /**
   * The defaults of {@code fabricscope.bandwidth.kept-per-host} and {@code raw-outputs-per-host}.
   */
  public static final JobRetention DEFAULT = new JobRetention(1000, 100);

  /** Rows deleted per pass at most: a lowered setting catches up over the next creations. */
  static final int DELETE_PER_PASS = 1000;

  public JobRetention {
    if (keptPerHost < 1 || rawOutputsPerHost < 0) {
      throw new IllegalArgumentException("kept-per-host ≥ 1 and raw-outputs-per-host ≥ 0");
    }
  }

  /**
   * {@link #apply} once a new test of {@code host} is stored, on a connection of its own: a failure
   * here (a lock timeout, two creates deleting the same rows) is logged, not the caller's error
   * (the test is queued), and the host's next test catches up.
   */
  void applyAfterCreate(DataSource ds, String host) {
    try (Connection c = ds.getConnection()) {
      apply(c, host);
    } catch (SQLException | RuntimeException e) {
      Logger.getLogger(JobRetention.class)
          .warnf("Finished bandwidth tests of %s not pruned this time: %s", host, e.getMessage());
    }
  }

  /** Deletes {@code host}'s finished tests and raw outputs beyond the limits. */
  void apply(Connection c, String host) throws SQLException {
    List<Long> old = new ArrayList<>();
    try (var ps =
        c.prepareStatement(
            "SELECT id FROM bandwidth_jobs WHERE source_host = ? AND state NOT IN "
                + JobRows.ACTIVE
                + " ORDER BY id DESC LIMIT ? OFFSET ?")) {
      ps.setString(1, host);
      ps.setInt(2, DELETE_PER_PASS);
      ps.setInt(3, keptPerHost);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          old.add(rs.getLong(1));
        }
      }
    }
    if (!old.isEmpty()) {
      old.removeAll(baselines(c, host));
      try (var ps = c.prepareStatement("DELETE FROM bandwidth_jobs WHERE id = ?")) {
        for (long id : old) {
          ps.setLong(1, id);
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
    dropRawOutputs(c, host);
  }

  /** The host-memcpy rows the store's baseline reads answer from, the newest first. */
  private Set<Long> baselines(Connection c, String host) throws SQLException {
    Set<Long> keep = new HashSet<>();
    for (NodeMemcpy best : NodeMemcpyRows.best(c, host)) {
      keep.add(best.jobId());
    }
    try (var ps =
        c.prepareStatement(
            "SELECT MAX(id) AS newest FROM bandwidth_jobs WHERE "
                + JobRows.BASELINE
                + " AND source_host = ? GROUP BY source_endpoint, target_endpoint, threads"
                + " ORDER BY newest DESC LIMIT ?")) {
      ps.setString(1, host);
      ps.setInt(2, keptPerHost);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          keep.add(rs.getLong(1));
        }
      }
    }
    return keep;
  }

  private void dropRawOutputs(Connection c, String host) throws SQLException {
    Long last = null;
    try (var ps =
        c.prepareStatement(
            "SELECT id FROM bandwidth_jobs WHERE source_host = ? AND raw_output IS NOT NULL"
                + " ORDER BY id DESC LIMIT 1 OFFSET ?")) {
      ps.setString(1, host);
      ps.setInt(2, rawOutputsPerHost);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          last = rs.getLong(1);
        }
      }
    }
    if (last != null) {
      try (var ps =
          c.prepareStatement(
              "UPDATE bandwidth_jobs SET raw_output = NULL WHERE source_host = ? AND raw_output IS"
                  + " NOT NULL AND id <= ?")) {
        ps.setString(1, host);
        ps.setLong(2, last);
        ps.executeUpdate();
      }
    }
  }
}
