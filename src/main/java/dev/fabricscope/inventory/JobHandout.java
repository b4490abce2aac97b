package dev.fabricscope.inventory;

import static dev.fabricscope.inventory.Jdbc.setInstant;
import static dev.fabricscope.inventory.JobRows.ACTIVE;
import static dev.fabricscope.inventory.JobRows.COLUMNS;
import static dev.fabricscope.inventory.JobRows.TWO_SIDED;

import dev.fabricscope.inventory.BandwidthJobStore.Assignment;
import dev.fabricscope.inventory.BandwidthJobStore.Deadlines;
import dev.fabricscope.inventory.BandwidthJobStore.Job;
import dev.fabricscope.inventory.BandwidthJobStore.Role;
import dev.fabricscope.inventory.BandwidthJobStore.State;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@link BandwidthJobStore#take}: which job side a polling agent gets, in one transaction. The
 * oldest waiting side wins; a host that already plays a part in an active job gets nothing else
 * (two tests on one host would disturb each other's numbers), except the run side of the job whose
 * listener it runs.
 *
 * <p>Safe with several server replicas on one PostgreSQL database: the host's inventory row is
 * locked first ({@code FOR UPDATE}), so two polls of one host, on any replicas, decide one after
 * the other and the "one job per host" rule holds; the candidate jobs are then locked with {@code
 * FOR UPDATE SKIP LOCKED}, so a take never waits on a job another transaction holds (a sweep timing
 * it out, a cancel, a listener's event) and never hands out a side that another transaction is
 * handing out. Each hand-out is still a conditional update, so a side is handed out once whatever
 * the isolation. H2 reads the same SQL.
 */
final class JobHandout {

  private JobHandout() {}

  static Optional<Assignment> take(Connection c, String host, Instant now, Deadlines deadlines)
      throws SQLException {
    try (var ps = c.prepareStatement("SELECT id FROM hosts WHERE name = ? FOR UPDATE")) {
      ps.setString(1, host);
      // jobs are queued for known hosts only; without a row (store tests) there is nothing to lock
      ps.executeQuery().close();
    }
    Set<Long> busy = new HashSet<>();
    try (var ps =
        c.prepareStatement(
            "SELECT id FROM bandwidth_jobs WHERE state IN "
                + ACTIVE
                + " AND ((source_host = ? AND source_taken IS NOT NULL)"
                + " OR (target_host = ? AND target_taken IS NOT NULL))")) {
      ps.setString(1, host);
      ps.setString(2, host);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          busy.add(rs.getLong(1));
        }
      }
    }
    List<Job> candidates;
    try (var ps =
        c.prepareStatement(
            "SELECT "
                + COLUMNS
                + " FROM bandwidth_jobs WHERE (state = 'queued' AND target_host = ? AND"
                + " target_taken IS NULL AND kind IN "
                + TWO_SIDED
                + ") OR (state = 'queued' AND source_host = ? AND source_taken IS NULL AND kind"
                + " NOT IN "
                + TWO_SIDED
                + ") OR (state = 'listening' AND source_host = ? AND source_taken IS NULL)"
                + " ORDER BY id LIMIT 20 FOR UPDATE SKIP LOCKED")) {
      ps.setString(1, host);
      ps.setString(2, host);
      ps.setString(3, host);
      candidates = JobRows.read(ps.executeQuery());
    }
    for (Job j : candidates) {
      // a host runs one job at a time; the run side of a job whose listener it already runs is
      // that same job
      if (!busy.isEmpty() && !(busy.size() == 1 && busy.contains(j.id()))) {
        return Optional.empty();
      }
      boolean listen = j.state() == State.QUEUED && j.spec().kind().twoSided();
      String sql =
          listen
              ? "UPDATE bandwidth_jobs SET target_taken = ?, started = COALESCE(started, ?),"
                  + " deadline = ? WHERE id = ? AND state = 'queued' AND target_taken IS NULL"
              : "UPDATE bandwidth_jobs SET source_taken = ?, started = COALESCE(started, ?),"
                  + " deadline = ?, state = 'running' WHERE id = ? AND state = ? AND"
                  + " source_taken IS NULL";
      try (var ps = c.prepareStatement(sql)) {
        setInstant(ps, 1, now);
        setInstant(ps, 2, now);
        setInstant(ps, 3, listen ? deadlines.listenReady(j, now) : deadlines.run(j, now));
        ps.setLong(4, j.id());
        if (!listen) {
          ps.setString(5, j.state().json());
        }
        if (ps.executeUpdate() == 1) {
          return Optional.of(
              new Assignment(
                  JdbcBandwidthJobStore.byId(c, j.id()).orElseThrow(),
                  listen ? Role.LISTEN : Role.RUN));
        }
      }
    }
    return Optional.empty();
  }
}
