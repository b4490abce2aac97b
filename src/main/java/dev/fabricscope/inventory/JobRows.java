package dev.fabricscope.inventory;

import static dev.fabricscope.inventory.Jdbc.getInstant;

import dev.fabricscope.bandwidth.BandwidthFlow;
import dev.fabricscope.bandwidth.BandwidthKind;
import dev.fabricscope.bandwidth.BandwidthSpec;
import dev.fabricscope.bandwidth.Endpoint;
import dev.fabricscope.inventory.BandwidthJobStore.Job;
import dev.fabricscope.inventory.BandwidthJobStore.Listener;
import dev.fabricscope.inventory.BandwidthJobStore.State;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** Columns and row reading of {@code bandwidth_jobs}, for {@link JdbcBandwidthJobStore}. */
final class JobRows {

  static final String COLUMNS =
      "id, kind, source_host, source_endpoint, target_host, target_endpoint, bytes, repetitions,"
          + " duration_seconds, threads, pageable, state, created, started, finished, deadline,"
          + " source_taken, target_taken, listen_address, listen_port, listen_gid,"
          + " listen_gid_index, requested_by, measured_gbps, expected_gbps, verdict, result_json,"
          + " message, concurrent_flows";

  /** SQL list of the active states, from the enum (never from user text). */
  static final String ACTIVE = inList(State.QUEUED, State.LISTENING, State.RUNNING);

  /**
   * A host-memcpy row that can be a baseline (expectations, the planner's memory capacities): it
   * did not warn or fail, it moved something (an expectation of 0 GB/s judges nothing), and it is
   * one copy, not the sum of concurrent ones. Read by {@link NodeMemcpyRows} and kept by {@link
   * JobRetention}, so what is kept is what is read.
   */
  static final String BASELINE =
      "kind = '"
          + BandwidthKind.HOST_MEMCPY.json()
          + "' AND state IN "
          + inList(State.PASSED, State.MEASURED)
          + " AND measured_gbps > 0 AND concurrent_flows IS NULL";

  /** SQL list of the two-sided kinds' names. */
  static final String TWO_SIDED =
      Arrays.stream(BandwidthKind.values())
          .filter(BandwidthKind::twoSided)
          .map(k -> "'" + k.json() + "'")
          .collect(Collectors.joining(", ", "(", ")"));

  private JobRows() {}

  /** How many jobs {@code requestedBy} has in an active state. */
  static int activeRequestedBy(java.sql.Connection c, String requestedBy)
      throws java.sql.SQLException {
    try (var ps =
        c.prepareStatement(
            "SELECT COUNT(*) FROM bandwidth_jobs WHERE requested_by = ? AND state IN " + ACTIVE)) {
      ps.setString(1, requestedBy);
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /** Concurrent flows as stored: {@code SOURCE=TARGET;...}, null for none. */
  static String writeFlows(List<BandwidthFlow> flows) {
    return flows.isEmpty()
        ? null
        : flows.stream().map(BandwidthFlow::toString).collect(Collectors.joining(";"));
  }

  static List<BandwidthFlow> readFlows(String stored) {
    if (stored == null || stored.isEmpty()) {
      return List.of();
    }
    return Arrays.stream(stored.split(";")).map(BandwidthFlow::parse).toList();
  }

  static String inList(State... states) {
    return Arrays.stream(states)
        .map(s -> "'" + s.json() + "'")
        .collect(Collectors.joining(", ", "(", ")"));
  }

  static List<Job> read(ResultSet rs) throws SQLException {
    try (rs) {
      List<Job> jobs = new ArrayList<>();
      while (rs.next()) {
        jobs.add(job(rs));
      }
      return jobs;
    }
  }

  private static Job job(ResultSet rs) throws SQLException {
    BandwidthSpec spec;
    try {
      // stored specs were checked on the way in; checking again costs little and keeps a row
      // edited by hand from reaching an agent
      long bytes = rs.getLong("bytes");
      int threads = rs.getInt("threads");
      // a host-memcpy row stored before the fourteenth review's rule (at least one 64-byte line
      // per thread): such a test was accepted and ended in error; checked with one thread (every
      // other rule holds as before), read as stored
      boolean beforeLinesRule =
          "host-memcpy".equals(rs.getString("kind"))
              && threads > 1
              && threads <= BandwidthSpec.MAX_THREADS
              && threads > bytes / 64;
      spec =
          BandwidthSpec.of(
              BandwidthKind.of(rs.getString("kind")),
              Endpoint.parse(rs.getString("source_endpoint")),
              Endpoint.parse(rs.getString("target_endpoint")),
              bytes,
              rs.getInt("repetitions"),
              intOrNull(rs, "duration_seconds"),
              beforeLinesRule ? 1 : threads,
              rs.getBoolean("pageable"),
              readFlows(rs.getString("concurrent_flows")));
      if (beforeLinesRule) {
        spec =
            new BandwidthSpec(
                spec.kind(),
                spec.source(),
                spec.target(),
                bytes,
                spec.repetitions(),
                spec.durationSeconds(),
                threads,
                spec.pageable(),
                spec.concurrent());
      }
    } catch (IllegalArgumentException e) {
      throw new StoreException("job " + rs.getLong("id") + " holds an invalid spec", e);
    }
    String address = rs.getString("listen_address");
    Listener listener =
        address == null
            ? null
            : new Listener(
                address,
                rs.getInt("listen_port"),
                rs.getString("listen_gid"),
                intOrNull(rs, "listen_gid_index"));
    return new Job(
        rs.getLong("id"),
        spec,
        rs.getString("source_host"),
        rs.getString("target_host"),
        State.of(rs.getString("state")),
        getInstant(rs, "created"),
        getInstant(rs, "started"),
        getInstant(rs, "finished"),
        getInstant(rs, "deadline"),
        getInstant(rs, "source_taken"),
        getInstant(rs, "target_taken"),
        listener,
        rs.getString("requested_by"),
        doubleOrNull(rs, "measured_gbps"),
        doubleOrNull(rs, "expected_gbps"),
        rs.getString("verdict"),
        rs.getString("result_json"),
        rs.getString("message"));
  }

  /** Why an active job timed out, from the phase it was in. */
  static String timeoutReason(Job job) {
    boolean twoSided = job.spec().kind().twoSided();
    return switch (job.state()) {
      case QUEUED ->
          job.targetTaken() != null
              ? "the listener on " + job.targetHost() + " did not report ready before its deadline"
              : "no agent of "
                  + (twoSided ? job.targetHost() : job.sourceHost())
                  + " picked the job up before its deadline";
      case LISTENING -> "the agent of " + job.sourceHost() + " did not pick up the run in time";
      case RUNNING -> "no result from " + job.sourceHost() + " before the deadline";
      default -> "timed out";
    };
  }

  static Integer intOrNull(ResultSet rs, String column) throws SQLException {
    int v = rs.getInt(column);
    return rs.wasNull() ? null : v;
  }

  static Double doubleOrNull(ResultSet rs, String column) throws SQLException {
    double v = rs.getDouble(column);
    return rs.wasNull() ? null : v;
  }
}
