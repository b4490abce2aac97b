package dev.fabricscope.inventory;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The narrow queries behind the fleet gauges of {@code /q/metrics} ({@code
 * dev.fabricscope.metrics.FleetGauges}): four columns of the hosts table and one count per
 * bandwidth-test state. No report is read here; the gauges parse a report only when a host's latest
 * snapshot changed.
 */
@ApplicationScoped
public class FleetCounts {

  @Inject Database database;

  /**
   * What the gauges need of one host.
   *
   * @param name host name
   * @param latestSnapshotId its latest snapshot, null when none
   * @param imported whether only imports (no agent) wrote it
   * @param lastSeen when its agent last reported (or it was imported)
   */
  public record HostRow(String name, Long latestSnapshotId, boolean imported, Instant lastSeen) {}

  /** Every host, in name order. */
  public List<HostRow> hosts() {
    return Jdbc.query(
        database.dataSource(),
        "listing hosts for metrics",
        c -> {
          List<HostRow> out = new ArrayList<>();
          try (var ps =
                  c.prepareStatement(
                      "SELECT name, latest_snapshot_id, imported, last_seen FROM hosts"
                          + " ORDER BY name");
              var rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(
                  new HostRow(
                      rs.getString("name"),
                      Jdbc.getLongOrNull(rs, "latest_snapshot_id"),
                      rs.getBoolean("imported"),
                      Jdbc.getInstant(rs, "last_seen")));
            }
          }
          return out;
        });
  }

  /** Bandwidth tests per state (the state's JSON name); states without a test are absent. */
  public Map<String, Long> bandwidthTestsByState() {
    return Jdbc.query(
        database.dataSource(),
        "counting bandwidth tests by state",
        c -> {
          Map<String, Long> out = new LinkedHashMap<>();
          // bandwidth_jobs_state (state, id) serves this from the index
          try (var ps =
                  c.prepareStatement(
                      "SELECT state, COUNT(*) AS n FROM bandwidth_jobs GROUP BY state");
              var rs = ps.executeQuery()) {
            while (rs.next()) {
              out.put(rs.getString("state"), rs.getLong("n"));
            }
          }
          return out;
        });
  }
}
