package dev.fabricscope.inventory;

import static dev.fabricscope.inventory.Jdbc.setInstant;

import java.sql.ResultSet;
import java.sql.SQLException;
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
  private final SnapshotQueries snapshotQueries;
  private final Retention retention;
  private final SnapshotSpace space;
  private final long maxHosts;
  private final long agentReserve;

  /** A store on an already migrated database (see {@link Database#migrate}) that keeps all. */
  public JdbcInventoryStore(DataSource dataSource) {
    this(dataSource, Retention.NONE);
  }

  /** A store on an already migrated database that keeps each host's history within {@code r}. */
  public JdbcInventoryStore(DataSource dataSource, Retention r) {
    this(dataSource, r, SnapshotSpace.UNCHECKED);
  }

  /**
   * A store that also asks {@code space} for room before each new snapshot and tells it after one
   * was stored ({@link Database#snapshotSpace}).
   */
  public JdbcInventoryStore(DataSource dataSource, Retention r, SnapshotSpace space) {
    this(dataSource, r, space, Long.MAX_VALUE);
  }

  /**
   * As {@link #JdbcInventoryStore(DataSource, Retention, SnapshotSpace)}, adding no host past
   * {@code maxHosts} ({@code fabricscope.history.max-hosts}: a {@link StoreFullException}).
   */
  public JdbcInventoryStore(
      DataSource dataSource, Retention r, SnapshotSpace space, long maxHosts) {
    this(dataSource, r, space, maxHosts, 0);
  }

  /**
   * As {@link #JdbcInventoryStore(DataSource, Retention, SnapshotSpace, long)}, keeping the last
   * {@code agentReserve} hosts of the limit for agents' reports of their own hosts ({@code
   * fabricscope.history.agent-reserve}; {@link Ingest#agentsOwn}).
   */
  public JdbcInventoryStore(
      DataSource dataSource, Retention r, SnapshotSpace space, long maxHosts, long agentReserve) {
    if (maxHosts < 1) {
      throw new IllegalArgumentException("max-hosts must be at least 1: " + maxHosts);
    }
    if (agentReserve < 0 || agentReserve > maxHosts) {
      throw new IllegalArgumentException(
          "agent-reserve must be in [0, max-hosts]: " + agentReserve + " of " + maxHosts);
    }
    this.maxHosts = maxHosts;
    this.agentReserve = agentReserve;
    this.ds = dataSource;
    this.retention = java.util.Objects.requireNonNull(r);
    this.space = java.util.Objects.requireNonNull(space);
    this.queries = new HostQueries();
    this.snapshotQueries = new SnapshotQueries();
  }

  @Override
  public IngestResult ingest(Ingest in) {
    long deadline = System.nanoTime() + RETRY_BUDGET.toNanos();
    for (int attempt = 1; ; attempt++) {
      try {
        IngestResult r =
            Jdbc.inTransaction(
                ds, c -> IngestTransaction.run(c, in, retention, space, maxHosts, agentReserve));
        if (r.outcome() == Outcome.CREATED) {
          space.changed();
        }
        return r;
      } catch (SQLException e) {
        if (!Jdbc.transientFailure(e) || System.nanoTime() > deadline) {
          throw new StoreException("ingest failed for host " + in.hostName(), e);
        }
        Jdbc.backOff(attempt);
      }
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
    return query("snapshots", c -> snapshotQueries.snapshots(c, hostName));
  }

  @Override
  public List<SnapshotMeta> snapshots(String hostName, Long before, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1: " + limit);
    }
    return query("snapshots", c -> snapshotQueries.snapshots(c, hostName, before, limit));
  }

  @Override
  public Optional<String> snapshotJson(long snapshotId) {
    return query("snapshotJson", c -> snapshotQueries.snapshotJson(c, snapshotId));
  }

  @Override
  public Optional<byte[]> snapshotGzip(long snapshotId) {
    return query("snapshotGzip", c -> snapshotQueries.snapshotGzip(c, snapshotId));
  }

  @Override
  public Optional<SnapshotMeta> snapshot(long snapshotId) {
    return query("snapshot", c -> snapshotQueries.snapshot(c, snapshotId));
  }

  @Override
  public Optional<SnapshotMeta> snapshotAt(String hostName, Instant at) {
    return query("snapshotAt", c -> snapshotQueries.snapshotAt(c, hostName, Jdbc.micros(at)));
  }

  @Override
  public Map<String, Long> rowCounts() {
    return transaction("rowCounts", queries::rowCounts);
  }

  @Override
  public boolean deleteHost(String name) {
    boolean deleted =
        transaction(
            "deleteHost",
            c -> {
              try (var ps = c.prepareStatement("DELETE FROM agent_capabilities WHERE host = ?")) {
                ps.setString(1, name);
                ps.executeUpdate();
              }
              // snapshots, labels and the planner's offers go with the row (ON DELETE CASCADE)
              try (var ps = c.prepareStatement("DELETE FROM hosts WHERE name = ?")) {
                ps.setString(1, name);
                return ps.executeUpdate() > 0;
              }
            });
    if (deleted) {
      space.changed(); // the snapshots' space handed back, as after a pruning ingest
    }
    return deleted;
  }

  @Override
  public List<String> deleteHostsCreatedBy(String createdBy, int max) {
    if (createdBy == null || max < 1) {
      throw new IllegalArgumentException("a creator and a batch of at least 1: " + max);
    }
    List<String> deleted =
        transaction("deleteHostsCreatedBy", c -> CreatorDeletes.deleteBatch(c, createdBy, max));
    if (!deleted.isEmpty()) {
      space.changed(); // as after deleteHost
    }
    return deleted;
  }

  @Override
  public Map<String, Long> latestSnapshotIds() {
    return query(
        "latestSnapshotIds",
        c -> {
          Map<String, Long> out = new java.util.LinkedHashMap<>();
          try (var ps =
                  c.prepareStatement(
                      "SELECT name, latest_snapshot_id FROM hosts"
                          + " WHERE latest_snapshot_id IS NOT NULL ORDER BY name");
              var rs = ps.executeQuery()) {
            while (rs.next()) {
              out.put(rs.getString(1), rs.getLong(2));
            }
          }
          return out;
        });
  }

  private <T> T query(String what, Jdbc.TxWork<T> work) {
    return Jdbc.query(ds, what, work);
  }

  private <T> T transaction(String what, Jdbc.TxWork<T> work) {
    return Jdbc.transaction(ds, what, work);
  }
}
