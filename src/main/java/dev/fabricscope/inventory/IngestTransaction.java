package dev.fabricscope.inventory;

import static dev.fabricscope.inventory.Jdbc.getInstant;
import static dev.fabricscope.inventory.Jdbc.getLongOrNull;
import static dev.fabricscope.inventory.Jdbc.setInstant;

import dev.fabricscope.inventory.InventoryStore.HostSummary;
import dev.fabricscope.inventory.InventoryStore.Ingest;
import dev.fabricscope.inventory.InventoryStore.IngestResult;
import dev.fabricscope.inventory.InventoryStore.Outcome;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The SQL of one {@link JdbcInventoryStore#ingest}, inside the caller's transaction: lock (or
 * create) the host row, then either move last-seen (same content hash) or insert a snapshot and
 * point the host at it (when {@link SnapshotSpace#checkRoom} lets it), then apply the history
 * {@link InventoryStore.Retention}. The caller commits, or retries the whole transaction on a
 * transient failure.
 */
final class IngestTransaction {

  private IngestTransaction() {}

  static IngestResult run(
      Connection c,
      Ingest in,
      InventoryStore.Retention retention,
      SnapshotSpace space,
      long maxHosts,
      long agentReserve)
      throws SQLException {
    Instant at = Jdbc.micros(in.receivedAt());
    LockedHost host = lockOrCreateHost(c, in, at, maxHosts, in.agentsOwn() ? 0 : agentReserve);
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
    // only a new snapshot is refused on a full volume: a visit of unchanged content still counts
    space.checkRoom();
    long snapshotId;
    byte[] stored = Jdbc.gzip(in.reportJson());
    // Column name in lower case for PostgreSQL; H2 matches generated-key names case-insensitively.
    try (var ps =
        c.prepareStatement(
            "INSERT INTO snapshots (host_id, received_at, content_hash, source, imported, report,"
                + " report_bytes) VALUES (?, ?, ?, ?, ?, ?, ?)",
            new String[] {"id"})) {
      ps.setLong(1, host.id);
      setInstant(ps, 2, at);
      ps.setString(3, in.contentHash());
      ps.setString(4, in.summary() == null ? null : in.summary().source());
      ps.setBoolean(5, in.imported());
      ps.setBytes(6, stored);
      ps.setLong(7, stored.length);
      ps.executeUpdate();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        keys.next();
        snapshotId = keys.getLong(1);
      }
    }
    SnapshotRetention.After kept =
        SnapshotRetention.prune(
            c,
            host.id,
            snapshotId,
            host.snapshotCount + 1,
            host.snapshotBytes + stored.length,
            retention);
    HostSummary s =
        in.summary() == null ? new HostSummary(null, 0, 0, 0, 0, 0, null) : in.summary();
    try (var ps =
        c.prepareStatement(
            "UPDATE hosts SET last_seen = ?, imported = ?, latest_snapshot_id = ?, latest_hash = ?,"
                + " cpu = ?, pci_functions = ?, gpus = ?, nics = ?, rdma = ?, nvme = ?,"
                + " summary_source = ?, snapshot_count = ?, snapshot_bytes = ? WHERE id = ?")) {
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
      ps.setLong(12, kept.count());
      ps.setLong(13, kept.bytes());
      ps.setLong(14, host.id);
      ps.executeUpdate();
    }
    replaceLabels(c, host.id, in.labels());
    return new IngestResult(Outcome.CREATED, host.id, snapshotId, kept.pruned());
  }

  /** The host row as read under its lock. */
  private record LockedHost(
      long id,
      String latestHash,
      Long latestSnapshotId,
      Instant lastSeen,
      boolean imported,
      long snapshotCount,
      long snapshotBytes) {}

  private static LockedHost lockOrCreateHost(
      Connection c, Ingest in, Instant at, long maxHosts, long kept) throws SQLException {
    Optional<LockedHost> existing = lockHost(c, in.hostName());
    if (existing.isPresent()) {
      return existing.get();
    }
    refuseNewHostWhenFull(c, maxHosts, kept);
    Savepoint beforeInsert = c.setSavepoint();
    // created_by is written here only, with the row: no later write names it, so whoever reports
    // or imports the host afterwards does not become its creator
    try (var ps =
        c.prepareStatement(
            "INSERT INTO hosts (name, first_seen, last_seen, imported, created_by)"
                + " VALUES (?, ?, ?, ?, ?)")) {
      ps.setString(1, in.hostName());
      setInstant(ps, 2, at);
      setInstant(ps, 3, at);
      ps.setBoolean(4, in.imported());
      ps.setString(5, in.createdBy());
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

  /**
   * A new host past {@code fabricscope.history.max-hosts}, or past it less the {@code kept} hosts
   * of the agents' reserve for whoever may not use it (counted only when a host is added).
   */
  private static void refuseNewHostWhenFull(Connection c, long maxHosts, long kept)
      throws SQLException {
    if (maxHosts == Long.MAX_VALUE) {
      return;
    }
    long hosts;
    try (var ps = c.prepareStatement("SELECT COUNT(*) FROM hosts");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      hosts = rs.getLong(1);
    }
    if (hosts >= maxHosts) {
      throw new StoreFullException(
          "the inventory holds "
              + hosts
              + " hosts, as many as fabricscope.history.max-hosts ("
              + maxHosts
              + ") allows: no new host is added until an admin deletes hosts or the limit is"
              + " raised; the hosts already there still report");
    }
    if (hosts >= maxHosts - kept) {
      throw new StoreFullException(
          "the inventory holds "
              + hosts
              + " hosts, and the rest of fabricscope.history.max-hosts ("
              + maxHosts
              + ") is kept for agents' first reports of their own hosts"
              + " (fabricscope.history.agent-reserve: "
              + kept
              + "): no new host is imported until an admin deletes hosts or the limits change;"
              + " the hosts already there still import and report");
    }
  }

  private static Optional<LockedHost> lockHost(Connection c, String name) throws SQLException {
    try (var ps =
        c.prepareStatement(
            "SELECT id, latest_hash, latest_snapshot_id, last_seen, imported, snapshot_count,"
                + " snapshot_bytes FROM hosts WHERE name = ? FOR UPDATE")) {
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
                rs.getBoolean("imported"),
                rs.getLong("snapshot_count"),
                rs.getLong("snapshot_bytes")));
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
}
