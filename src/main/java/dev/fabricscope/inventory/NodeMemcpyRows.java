package dev.fabricscope.inventory;

import dev.fabricscope.bandwidth.BandwidthKind;
import dev.fabricscope.bandwidth.Endpoint;
import dev.fabricscope.inventory.BandwidthJobStore.NodeMemcpy;
import dev.fabricscope.inventory.BandwidthJobStore.State;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** {@link BandwidthJobStore#bestHostMemcpyWithinNodes} on plain JDBC. */
final class NodeMemcpyRows {

  private NodeMemcpyRows() {}

  static List<NodeMemcpy> best(Connection c, String host) throws SQLException {
    // fastest first, the newest of equal rates first: the first row of a node is its best
    String sql =
        "SELECT id, source_endpoint, measured_gbps, threads FROM bandwidth_jobs WHERE kind = ? AND"
            + " source_host = ? AND target_host = source_host AND source_endpoint ="
            + " target_endpoint AND state IN "
            + JobRows.inList(State.PASSED, State.MEASURED)
            // concurrent copies' sum is not one node's copy rate; a copy that moved nothing (0
            // GB/s,
            // which a result may carry) is no memory bandwidth to plan with
            + " AND measured_gbps > 0 AND concurrent_flows IS NULL"
            + " ORDER BY measured_gbps DESC, id DESC";
    Map<Integer, NodeMemcpy> byNode = new TreeMap<>();
    try (var ps = c.prepareStatement(sql)) {
      ps.setString(1, BandwidthKind.HOST_MEMCPY.json());
      ps.setString(2, host);
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
}
