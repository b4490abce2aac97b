package dev.fabricscope.inventory;

import static dev.fabricscope.inventory.Jdbc.getInstant;
import static dev.fabricscope.inventory.Jdbc.getLongOrNull;
import static dev.fabricscope.inventory.Jdbc.setInstant;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * {@link InventoryStore} on plain JDBC; the same SQL runs on H2 and PostgreSQL.
 *
 * <p>Concurrency: ingest locks the host row ({@code SELECT ... FOR UPDATE}), so reports for one
 * host are applied one after the other and none is lost. A host that does not exist yet is inserted
 * under a savepoint; when a concurrent first report wins that race (unique violation) the
 * transaction rolls back to the savepoint and locks the winner's row instead. Transient failures
 * (lock timeouts, deadlocks, H2 "concurrent update") retry the whole transaction a few times.
 *
 * <p>A host's {@code imported} flag stays true only while every report for it was an import; the
 * first agent report clears it. Labels given with a report replace the host's labels; null keeps
 * them.
 */
public class JdbcInventoryStore implements InventoryStore {

  /** How long ingest retries transient failures: as long as H2 waits for a row lock. */
  private static final Duration RETRY_BUDGET = Duration.ofSeconds(10);

  private static final int DEFAULT_LIMIT = 100;
  private static final int MAX_LIMIT = 1000;

  private final DataSource ds;
  private final HostQueries queries;

  /** A store on an already migrated database (see {@link Database#migrate}). */
  public JdbcInventoryStore(DataSource dataSource) {
    this.ds = dataSource;
    this.queries = new HostQueries();
  }

  @Override
  public IngestResult ingest(Ingest in) {
    long deadline = System.nanoTime() + RETRY_BUDGET.toNanos();
    for (int attempt = 1; ; attempt++) {
      try {
        return Jdbc.inTransaction(ds, c -> ingest(c, in));
      } catch (SQLException e) {
        if (!Jdbc.transientFailure(e) || System.nanoTime() > deadline) {
          throw new StoreException("ingest failed for host " + in.hostName(), e);
        }
        Jdbc.backOff(attempt);
      }
    }
  }

  private IngestResult ingest(Connection c, Ingest in) throws SQLException {
    Instant at = Jdbc.micros(in.receivedAt());
    LockedHost host = lockOrCreateHost(c, in, at);
    if (in.contentHash().equals(host.latestHash)) {
      try (var ps =
          c.prepareStatement("UPDATE hosts SET last_seen = ?, imported = ? WHERE id = ?")) {
        setInstant(ps, 1, host.lastSeen.isAfter(at) ? host.lastSeen : at);
        ps.setBoolean(2, host.imported && in.imported());
        ps.setLong(3, host.id);
        ps.executeUpdate();
      }
      replaceLabels(c, host.id, in.labels());
      return new IngestResult(Outcome.UNCHANGED, host.id, host.latestSnapshotId);
    }
    long snapshotId;
    // Column name in lower case for PostgreSQL; H2 matches generated-key names case-insensitively.
    try (var ps =
        c.prepareStatement(
            "INSERT INTO snapshots (host_id, received_at, content_hash, source, imported, report)"
                + " VALUES (?, ?, ?, ?, ?, ?)",
            new String[] {"id"})) {
      ps.setLong(1, host.id);
      setInstant(ps, 2, at);
      ps.setString(3, in.contentHash());
      ps.setString(4, in.summary() == null ? null : in.summary().source());
      ps.setBoolean(5, in.imported());
      ps.setBytes(6, Jdbc.gzip(in.reportJson()));
      ps.executeUpdate();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        keys.next();
        snapshotId = keys.getLong(1);
      }
    }
    HostSummary s =
        in.summary() == null ? new HostSummary(null, 0, 0, 0, 0, 0, null) : in.summary();
    try (var ps =
        c.prepareStatement(
            "UPDATE hosts SET last_seen = ?, imported = ?, latest_snapshot_id = ?, latest_hash = ?,"
                + " cpu = ?, pci_functions = ?, gpus = ?, nics = ?, rdma = ?, nvme = ?,"
                + " summary_source = ? WHERE id = ?")) {
      setInstant(ps, 1, host.lastSeen.isAfter(at) ? host.lastSeen : at);
      ps.setBoolean(2, host.imported && in.imported());
      ps.setLong(3, snapshotId);
      ps.setString(4, in.contentHash());
      ps.setString(5, s.cpu());
      ps.setInt(6, s.pciFunctions());
      ps.setInt(7, s.gpus());
      ps.setInt(8, s.nics());
      ps.setInt(9, s.rdma());
      ps.setInt(10, s.nvme());
      ps.setString(11, s.source());
      ps.setLong(12, host.id);
      ps.executeUpdate();
    }
    replaceLabels(c, host.id, in.labels());
    return new IngestResult(Outcome.CREATED, host.id, snapshotId);
  }

  /** The host row as read under its lock. */
  private record LockedHost(
      long id, String latestHash, Long latestSnapshotId, Instant lastSeen, boolean imported) {}

  private LockedHost lockOrCreateHost(Connection c, Ingest in, Instant at) throws SQLException {
    Optional<LockedHost> existing = lockHost(c, in.hostName());
    if (existing.isPresent()) {
      return existing.get();
    }
    Savepoint beforeInsert = c.setSavepoint();
    try (var ps =
        c.prepareStatement(
            "INSERT INTO hosts (name, first_seen, last_seen, imported) VALUES (?, ?, ?, ?)")) {
      ps.setString(1, in.hostName());
      setInstant(ps, 2, at);
      setInstant(ps, 3, at);
      ps.setBoolean(4, in.imported());
      ps.executeUpdate();
    } catch (SQLException e) {
      if (!Jdbc.UNIQUE_VIOLATION.equals(e.getSQLState())) {
        throw e;
      }
      // A concurrent first report created the host: PostgreSQL has aborted the statement, so go
      // back to the savepoint and lock the committed row. If it is not visible yet (H2 reports the
      // conflict before the other transaction commits) the retry loop starts over.
      c.rollback(beforeInsert);
      return lockHost(c, in.hostName()).orElseThrow(() -> e);
    }
    c.releaseSavepoint(beforeInsert);
    return lockHost(c, in.hostName()).orElseThrow();
  }

  private static Optional<LockedHost> lockHost(Connection c, String name) throws SQLException {
    try (var ps =
        c.prepareStatement(
            "SELECT id, latest_hash, latest_snapshot_id, last_seen, imported FROM hosts"
                + " WHERE name = ? FOR UPDATE")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new LockedHost(
                rs.getLong("id"),
                rs.getString("latest_hash"),
                getLongOrNull(rs, "latest_snapshot_id"),
                getInstant(rs, "last_seen"),
                rs.getBoolean("imported")));
      }
    }
  }

  private static void replaceLabels(Connection c, long hostId, Map<String, String> labels)
      throws SQLException {
    if (labels == null) {
      return;
    }
    try (var ps = c.prepareStatement("DELETE FROM host_labels WHERE host_id = ?")) {
      ps.setLong(1, hostId);
      ps.executeUpdate();
    }
    if (labels.isEmpty()) {
      return;
    }
    try (var ps =
        c.prepareStatement(
            "INSERT INTO host_labels (host_id, label_key, label_value) VALUES (?, ?, ?)")) {
      for (var label : labels.entrySet()) {
        ps.setLong(1, hostId);
        ps.setString(2, label.getKey());
        ps.setString(3, label.getValue());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  @Override
  public Optional<String> latestHash(String hostName) {
    return query(
        "latestHash",
        c -> {
          try (var ps = c.prepareStatement("SELECT latest_hash FROM hosts WHERE name = ?")) {
            ps.setString(1, hostName);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
          }
        });
  }

  /** Moves last-seen forward only, and only while the hash is still the latest. */
  private static final String TOUCH =
      "UPDATE hosts SET last_seen = CASE WHEN last_seen < ? THEN ? ELSE last_seen END"
          + " WHERE name = ? AND latest_hash = ?";

  @Override
  public boolean touch(String hostName, String contentHash, Instant seen) {
    return query(
        "touch",
        c -> {
          // One statement, no lock round trip: the hash condition makes it a no-op when a changed
          // report got in first. last_seen never moves backwards.
          try (var ps = c.prepareStatement(TOUCH)) {
            setInstant(ps, 1, seen);
            setInstant(ps, 2, seen);
            ps.setString(3, hostName);
            ps.setString(4, contentHash);
            return ps.executeUpdate() == 1;
          }
        });
  }

  @Override
  public java.util.Set<String> touchAll(List<Touch> touches) {
    if (touches.isEmpty()) {
      return java.util.Set.of();
    }
    return transaction(
        "touchAll",
        c -> {
          try (var ps = c.prepareStatement(TOUCH)) {
            for (Touch t : touches) {
              setInstant(ps, 1, t.seen());
              setInstant(ps, 2, t.seen());
              ps.setString(3, t.host());
              ps.setString(4, t.hash());
              ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            java.util.Set<String> stale = new java.util.HashSet<>();
            for (int i = 0; i < counts.length; i++) {
              if (counts[i] == 0) {
                stale.add(touches.get(i).host());
              }
            }
            return stale;
          }
        });
  }

  @Override
  public Optional<Host> host(String name) {
    return query("host", c -> queries.host(c, name));
  }

  @Override
  public Page<Host> hosts(HostQuery q) {
    int offset = q == null || q.offset() == null ? 0 : Math.max(0, q.offset());
    int limit =
        q == null || q.limit() == null
            ? DEFAULT_LIMIT
            : Math.max(0, Math.min(MAX_LIMIT, q.limit()));
    HostQuery query = q == null ? new HostQuery(null, null, null, null, null) : q;
    // One transaction so the page and the total agree.
    return transaction("hosts", c -> queries.hosts(c, query, offset, limit));
  }

  @Override
  public List<SnapshotMeta> snapshots(String hostName) {
    return query("snapshots", c -> queries.snapshots(c, hostName));
  }

  @Override
  public Optional<String> snapshotJson(long snapshotId) {
    return query("snapshotJson", c -> queries.snapshotJson(c, snapshotId));
  }

  @Override
  public Optional<SnapshotMeta> snapshot(long snapshotId) {
    return query("snapshot", c -> queries.snapshot(c, snapshotId));
  }

  @Override
  public Optional<SnapshotMeta> snapshotAt(String hostName, Instant at) {
    return query("snapshotAt", c -> queries.snapshotAt(c, hostName, Jdbc.micros(at)));
  }

  @Override
  public List<LatestReport> latestReports() {
    return transaction("latestReports", queries::latestReports);
  }

  @Override
  public Map<String, Long> rowCounts() {
    return transaction("rowCounts", queries::rowCounts);
  }

  private <T> T query(String what, Jdbc.TxWork<T> work) {
    try (Connection c = ds.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new StoreException(what + " failed", e);
    }
  }

  private <T> T transaction(String what, Jdbc.TxWork<T> work) {
    try {
      return Jdbc.inTransaction(ds, work);
    } catch (SQLException e) {
      throw new StoreException(what + " failed", e);
    }
  }
}
