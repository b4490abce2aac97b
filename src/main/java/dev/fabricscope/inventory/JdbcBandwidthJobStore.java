package dev.fabricscope.inventory;

import static dev.fabricscope.inventory.Jdbc.setInstant;
import static dev.fabricscope.inventory.JobRows.ACTIVE;
import static dev.fabricscope.inventory.JobRows.COLUMNS;

import dev.fabricscope.bandwidth.BandwidthSpec;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** {@link BandwidthJobStore} on plain JDBC (H2 and PostgreSQL). */
public class JdbcBandwidthJobStore implements BandwidthJobStore {

  private final DataSource ds;
  private final JobRetention retention;
  private final SnapshotSpace space;

  /** A store on an already migrated database (see {@link Database#migrate}), default retention. */
  public JdbcBandwidthJobStore(DataSource dataSource) {
    this(dataSource, JobRetention.DEFAULT, SnapshotSpace.UNCHECKED);
  }

  /**
   * A store that keeps finished tests within {@code retention} and refuses new ones while {@code
   * space} has no room (507: {@code fabricscope.history.min-free-disk} on an H2 file's volume).
   */
  public JdbcBandwidthJobStore(DataSource dataSource, JobRetention retention, SnapshotSpace space) {
    this.ds = dataSource;
    this.retention = retention;
    this.space = space;
  }

  @Override
  public void checkRoom() {
    space.checkRoom("no new bandwidth tests are queued");
  }

  @Override
  public Job create(NewJob j) {
    checkRoom();
    BandwidthSpec s = j.spec();
    String sql =
        "INSERT INTO bandwidth_jobs (kind, source_host, source_endpoint, target_host,"
            + " target_endpoint, bytes, repetitions, duration_seconds, threads, pageable, state,"
            + " created, deadline, requested_by, concurrent_flows)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    long id =
        query(
            "creating a job",
            c -> {
              try (var ps = c.prepareStatement(sql, new String[] {"id"})) {
                ps.setString(1, s.kind().json());
                ps.setString(2, j.sourceHost());
                ps.setString(3, s.source().toString());
                ps.setString(4, j.targetHost());
                ps.setString(5, s.target().toString());
                ps.setLong(6, s.bytes());
                ps.setInt(7, s.repetitions());
                Jdbc.setIntOrNull(ps, 8, s.durationSeconds());
                ps.setInt(9, s.threads());
                ps.setBoolean(10, s.pageable());
                ps.setString(11, State.QUEUED.json());
                setInstant(ps, 12, j.created());
                setInstant(ps, 13, j.deadline());
                ps.setString(14, j.requestedBy());
                ps.setString(15, JobRows.writeFlows(s.concurrent()));
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                  keys.next();
                  return keys.getLong(1);
                }
              }
            });
    retention.applyAfterCreate(ds, j.sourceHost());
    return job(id).orElseThrow();
  }

  @Override
  public int activeRequestedBy(String requestedBy) {
    return query("counting active jobs", c -> JobRows.activeRequestedBy(c, requestedBy));
  }

  @Override
  public Optional<Job> job(long id) {
    return query("reading job " + id, c -> byId(c, id));
  }

  static Optional<Job> byId(Connection c, long id) throws SQLException {
    try (var ps = c.prepareStatement("SELECT " + COLUMNS + " FROM bandwidth_jobs WHERE id = ?")) {
      ps.setLong(1, id);
      return JobRows.read(ps.executeQuery()).stream().findFirst();
    }
  }

  @Override
  public Optional<String> rawOutput(long id) {
    return query(
        "reading raw output",
        c -> {
          try (var ps = c.prepareStatement("SELECT raw_output FROM bandwidth_jobs WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              byte[] gz = rs.next() ? rs.getBytes(1) : null;
              return gz == null ? Optional.empty() : Optional.of(Jdbc.gunzip(gz));
            }
          }
        });
  }

  @Override
  public List<Job> list(Query q) {
    var where = new StringBuilder(" WHERE 1 = 1");
    List<Object> params = new ArrayList<>();
    String peer = q.peer() != null ? q.peer() : q.a() != null ? q.host() : null;
    if (q.a() != null && q.b() != null) {
      where.append(
          " AND ((source_host = ? AND source_endpoint = ? AND target_host = ? AND"
              + " target_endpoint = ?) OR (source_host = ? AND source_endpoint = ? AND"
              + " target_host = ? AND target_endpoint = ?))");
      params.addAll(List.of(q.host(), q.a(), peer, q.b(), peer, q.b(), q.host(), q.a()));
    } else if (peer != null) {
      where.append(
          " AND ((source_host = ? AND target_host = ?) OR (source_host = ? AND target_host = ?))");
      params.addAll(List.of(q.host(), peer, peer, q.host()));
    } else if (q.host() != null) {
      where.append(" AND (source_host = ? OR target_host = ?)");
      params.addAll(List.of(q.host(), q.host()));
    }
    if (q.kind() != null) {
      where.append(" AND kind = ?");
      params.add(q.kind());
    }
    String sql =
        "SELECT " + COLUMNS + " FROM bandwidth_jobs" + where + " ORDER BY id DESC LIMIT ? OFFSET ?";
    return query(
        "listing jobs",
        c -> {
          try (var ps = c.prepareStatement(sql)) {
            int i = 1;
            for (Object p : params) {
              ps.setObject(i++, p);
            }
            ps.setInt(i++, q.limit());
            ps.setInt(i, q.offset());
            return JobRows.read(ps.executeQuery());
          }
        });
  }

  @Override
  public Optional<Assignment> take(String host, Instant now, Deadlines deadlines) {
    return transaction("handing out a job", c -> JobHandout.take(c, host, now, deadlines));
  }

  @Override
  public boolean listening(long id, Listener l, Instant deadline) {
    return update(
        "UPDATE bandwidth_jobs SET state = 'listening', listen_address = ?, listen_port = ?,"
            + " listen_gid = ?, listen_gid_index = ?, deadline = ? WHERE id = ? AND state ="
            + " 'queued' AND target_taken IS NOT NULL",
        ps -> {
          ps.setString(1, l.address());
          ps.setInt(2, l.port());
          ps.setString(3, l.gid());
          Jdbc.setIntOrNull(ps, 4, l.gidIndex());
          setInstant(ps, 5, deadline);
          ps.setLong(6, id);
        });
  }

  @Override
  public boolean finish(long id, Outcome o, Instant now) {
    if (!o.state().terminal()) {
      throw new IllegalArgumentException("not a final state: " + o.state());
    }
    return update(
        "UPDATE bandwidth_jobs SET state = ?, finished = ?, measured_gbps = COALESCE(?,"
            + " measured_gbps), expected_gbps = COALESCE(?, expected_gbps), verdict = COALESCE(?,"
            + " verdict), result_json = COALESCE(?, result_json), raw_output = COALESCE(?,"
            + " raw_output), message = COALESCE(?, message) WHERE id = ? AND state IN "
            + ACTIVE,
        ps -> {
          ps.setString(1, o.state().json());
          setInstant(ps, 2, now);
          Jdbc.setDoubleOrNull(ps, 3, o.measuredGBps());
          Jdbc.setDoubleOrNull(ps, 4, o.expectedGBps());
          ps.setString(5, o.verdict());
          ps.setString(6, o.resultJson());
          ps.setBytes(
              7,
              o.rawOutput() == null
                  ? null
                  : Jdbc.gzip(o.rawOutput().getBytes(StandardCharsets.UTF_8)));
          ps.setString(8, clip(o.message()));
          ps.setLong(9, id);
        });
  }

  @Override
  public List<Expired> expire(Instant now) {
    List<Expired> out = new ArrayList<>();
    for (Job j : activeWhere("deadline < ?", now)) {
      if (finish(j.id(), Outcome.of(State.TIMED_OUT, JobRows.timeoutReason(j)), now)) {
        out.add(new Expired(job(j.id()).orElseThrow(), j.state()));
      }
    }
    return out;
  }

  @Override
  public List<Job> abandonTaken(Instant now, String message) {
    List<Job> out = new ArrayList<>();
    for (Job j : activeWhere("(source_taken IS NOT NULL OR target_taken IS NOT NULL)", null)) {
      if (finish(j.id(), Outcome.of(State.TIMED_OUT, message), now)) {
        out.add(job(j.id()).orElseThrow());
      }
    }
    return out;
  }

  private List<Job> activeWhere(String condition, Instant param) {
    String sql =
        "SELECT " + COLUMNS + " FROM bandwidth_jobs WHERE state IN " + ACTIVE + " AND " + condition;
    return query(
        "reading active jobs",
        c -> {
          try (var ps = c.prepareStatement(sql + " ORDER BY id")) {
            if (param != null) {
              setInstant(ps, 1, param);
            }
            return JobRows.read(ps.executeQuery());
          }
        });
  }

  @Override
  public Optional<Double> lastHostMemcpy(String host, String source, String target, int threads) {
    return query(
        "reading the host memory baseline",
        c -> NodeMemcpyRows.last(c, host, source, target, threads));
  }

  @Override
  public List<NodeMemcpy> bestHostMemcpyWithinNodes(String host) {
    return query("reading the host memory copies", c -> NodeMemcpyRows.best(c, host));
  }

  @Override
  public long rowCount() {
    return query(
        "counting jobs",
        c -> {
          try (var ps = c.prepareStatement("SELECT COUNT(*) FROM bandwidth_jobs");
              ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
          }
        });
  }

  private static String clip(String message) {
    return message == null || message.length() <= 1000 ? message : message.substring(0, 1000);
  }

  @FunctionalInterface
  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  private boolean update(String sql, Binder binder) {
    return query(
        "updating a job",
        c -> {
          try (var ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            return ps.executeUpdate() == 1;
          }
        });
  }

  private <T> T query(String what, Jdbc.TxWork<T> work) {
    return Jdbc.query(ds, what, work);
  }

  private <T> T transaction(String what, Jdbc.TxWork<T> work) {
    return Jdbc.transaction(ds, what, work);
  }
}
