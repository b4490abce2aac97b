package dev.fabricscope.inventory;

import static dev.fabricscope.inventory.Jdbc.getInstant;
import static dev.fabricscope.inventory.Jdbc.getLongOrNull;

import dev.fabricscope.inventory.InventoryStore.Host;
import dev.fabricscope.inventory.InventoryStore.HostQuery;
import dev.fabricscope.inventory.InventoryStore.HostSummary;
import dev.fabricscope.inventory.InventoryStore.Page;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The read side of {@link JdbcInventoryStore}: each method runs on a connection it is given. */
final class HostQueries {

  private static final String HOST_COLUMNS =
      "h.id, h.name, h.first_seen, h.last_seen, h.latest_snapshot_id, h.imported, h.cpu,"
          + " h.pci_functions, h.gpus, h.nics, h.rdma, h.nvme, h.summary_source, h.created_by";

  Optional<Host> host(Connection c, String name) throws SQLException {
    try (var ps = c.prepareStatement("SELECT " + HOST_COLUMNS + " FROM hosts h WHERE h.name = ?")) {
      ps.setString(1, name);
      List<Host> hosts = readHosts(c, ps);
      return hosts.stream().findFirst();
    }
  }

  /** A fixed ORDER BY per sort: never built from user text. */
  static String orderBy(InventoryStore.Sort sort) {
    return switch (sort == null ? InventoryStore.Sort.NAME : sort) {
      case NAME -> " ORDER BY h.name";
      case LAST_SEEN_NEWEST -> " ORDER BY h.last_seen DESC, h.name";
      case GPUS_MOST -> " ORDER BY h.gpus DESC, h.name";
      case PCI_FUNCTIONS_MOST -> " ORDER BY h.pci_functions DESC, h.name";
    };
  }

  Page<Host> hosts(Connection c, HostQuery q, int offset, int limit) throws SQLException {
    var where = new StringBuilder(" WHERE 1 = 1");
    var params = new ArrayList<Object>();
    if (q.nameContains() != null && !q.nameContains().isEmpty()) {
      // LOWER on both sides: case-insensitive on H2 and PostgreSQL alike (no ILIKE in H2's
      // default mode). '!' as escape: a backslash means different things in the two dialects.
      where.append(" AND LOWER(h.name) LIKE ? ESCAPE '!'");
      params.add(Jdbc.likeContains(q.nameContains().toLowerCase(Locale.ROOT)));
    }
    if (q.label() != null && !q.label().isEmpty()) {
      int eq = q.label().indexOf('=');
      if (eq < 0) {
        // "k" alone: hosts that have the label, whatever its value.
        where.append(
            " AND EXISTS (SELECT 1 FROM host_labels l WHERE l.host_id = h.id AND l.label_key = ?)");
        params.add(q.label());
      } else {
        where.append(
            " AND EXISTS (SELECT 1 FROM host_labels l WHERE l.host_id = h.id"
                + " AND l.label_key = ? AND l.label_value = ?)");
        params.add(q.label().substring(0, eq));
        params.add(q.label().substring(eq + 1));
      }
    }
    if (q.hasGpu() != null) {
      where.append(q.hasGpu() ? " AND h.gpus > 0" : " AND h.gpus = 0");
    }
    if (q.createdBy() != null) {
      where.append(" AND h.created_by = ?");
      params.add(q.createdBy());
    }
    long total;
    try (var ps = c.prepareStatement("SELECT COUNT(*) FROM hosts h" + where)) {
      bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        total = rs.getLong(1);
      }
    }
    List<Host> items = List.of();
    if (limit > 0 && offset < total) {
      try (var ps =
          c.prepareStatement(
              "SELECT "
                  + HOST_COLUMNS
                  + " FROM hosts h"
                  + where
                  + orderBy(q.sort())
                  + " LIMIT "
                  + limit
                  + " OFFSET "
                  + offset)) {
        bind(ps, params);
        items = readHosts(c, ps);
      }
    }
    return new Page<>(items, total, offset, limit);
  }

  Map<String, Long> rowCounts(Connection c) throws SQLException {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (String table : List.of("hosts", "host_labels", "snapshots", "tokens")) {
      try (var ps = c.prepareStatement("SELECT COUNT(*) FROM " + table);
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        counts.put(table, rs.getLong(1));
      }
    }
    return counts;
  }

  /** Reads hosts with their labels (one extra query for the whole page). */
  private static List<Host> readHosts(Connection c, PreparedStatement ps) throws SQLException {
    record Row(
        long id,
        String name,
        Instant first,
        Instant last,
        Long latest,
        boolean imported,
        HostSummary summary,
        String createdBy) {}
    List<Row> rows = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        var summary =
            new HostSummary(
                rs.getString("cpu"),
                rs.getInt("pci_functions"),
                rs.getInt("gpus"),
                rs.getInt("nics"),
                rs.getInt("rdma"),
                rs.getInt("nvme"),
                rs.getString("summary_source"));
        rows.add(
            new Row(
                rs.getLong("id"),
                rs.getString("name"),
                getInstant(rs, "first_seen"),
                getInstant(rs, "last_seen"),
                getLongOrNull(rs, "latest_snapshot_id"),
                rs.getBoolean("imported"),
                summary,
                rs.getString("created_by")));
      }
    }
    Map<Long, Map<String, String>> labels = labels(c, rows.stream().map(Row::id).toList());
    return rows.stream()
        .map(
            r ->
                new Host(
                    r.id,
                    r.name,
                    r.first,
                    r.last,
                    r.latest,
                    r.imported,
                    Collections.unmodifiableMap(labels.getOrDefault(r.id, new TreeMap<>())),
                    r.summary,
                    r.createdBy))
        .toList();
  }

  private static Map<Long, Map<String, String>> labels(Connection c, List<Long> hostIds)
      throws SQLException {
    Map<Long, Map<String, String>> labels = new HashMap<>();
    if (hostIds.isEmpty()) {
      return labels;
    }
    // A page is at most 1,000 hosts; for more read all labels rather than build a statement with
    // thousands of parameters.
    boolean all = hostIds.size() > 1000;
    String sql = "SELECT host_id, label_key, label_value FROM host_labels";
    if (!all) {
      sql +=
          " WHERE host_id IN (" + String.join(", ", Collections.nCopies(hostIds.size(), "?")) + ")";
    }
    try (var ps = c.prepareStatement(sql)) {
      if (!all) {
        bind(ps, new ArrayList<>(hostIds));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          labels
              .computeIfAbsent(rs.getLong(1), id -> new TreeMap<>())
              .put(rs.getString(2), rs.getString(3));
        }
      }
    }
    return labels;
  }

  private static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
    for (int i = 0; i < params.size(); i++) {
      ps.setObject(i + 1, params.get(i));
    }
  }
}
