package dev.fabricscope.inventory;

import dev.fabricscope.bandwidth.Endpoint;
import dev.fabricscope.inventory.BandwidthJobStore.NodeMemcpy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The host-memcpy baselines on plain JDBC ({@link JobRows#BASELINE}): {@link
 * BandwidthJobStore#bestHostMemcpyWithinNodes} and {@link BandwidthJobStore#lastHostMemcpy}.
 */
final class NodeMemcpyRows {

  private NodeMemcpyRows() {}

  static List<NodeMemcpy> best(Connection c, String host) throws SQLException {
    // fastest first, the newest of equal rates first: the first row of a node is its best
    String sql =
        "SELECT id, source_endpoint, measured_gbps, threads FROM bandwidth_jobs WHERE "
            + JobRows.BASELINE
            + " AND source_host = ? AND target_host = source_host AND source_endpoint ="
            + " target_endpoint ORDER BY measured_gbps DESC, id DESC";
    Map<Integer, NodeMemcpy> byNode = new TreeMap<>();
    try (var ps = c.prepareStatement(sql)) {
      ps.setString(1, host);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Endpoint e = Endpoint.parse(rs.getString(2));
          if (e.type() != Endpoint.Type.NUMA) {
            continue; // host-memcpy endpoints are NUMA nodes (BandwidthSpec checks it)
          }
          int node = Integer.parseInt(e.name());
          byNode.putIfAbsent(
              node, new NodeMemcpy(rs.getLong(1), node, rs.getDouble(3), rs.getInt(4)));
        }
      }
    }
    return new ArrayList<>(byNode.values());
  }

  static Optional<Double> last(Connection c, String host, String source, String target, int threads)
      throws SQLException {
    try (var ps =
        c.prepareStatement(
            "SELECT measured_gbps FROM bandwidth_jobs WHERE "
                + JobRows.BASELINE
                + " AND source_host = ? AND source_endpoint = ? AND target_endpoint = ? AND"
                + " threads = ? ORDER BY id DESC LIMIT 1")) {
      ps.setString(1, host);
      ps.setString(2, source);
      ps.setString(3, target);
      ps.setInt(4, threads);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getDouble(1)) : Optional.empty();
      }
    }
  }
}
