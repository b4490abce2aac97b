package dev.fabricscope.bandwidth;

import static dev.fabricscope.bandwidth.JsonFields.unprocessable;

import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.topology.Report;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Holds a test to its hosts' latest reports before it is queued: every endpoint of every flow must
 * be one the report of its host has ({@link ReportedEndpoints}: NUMA nodes, GPUs, devices, RDMA
 * ports; any {@code addr:}, which a report cannot hold and the run side's agent bounds), else a 422
 * names the endpoint and what the report has. A host without a readable latest report is refused
 * too: its endpoints cannot be checked, and a test on a device the host lacks is what this stops.
 *
 * <p>What a report has is kept per host for its latest snapshot, so queueing does not parse the
 * report again for every test (dispatch latency, issue 10); a newer snapshot replaces it.
 */
final class QueuedEndpoints {

  /** Most hosts kept; beyond that the map starts over (a cache, not a store). */
  static final int MAX_HOSTS = 4096;

  private record Known(long snapshotId, ReportedEndpoints endpoints) {}

  private final InventoryStore inventory;
  private final Map<String, Known> byHost = new ConcurrentHashMap<>();

  QueuedEndpoints(InventoryStore inventory) {
    this.inventory = inventory;
  }

  /**
   * Refuses {@code r} with a 422 when one of its endpoints is not on its host's latest report, or
   * when that report cannot be read. The hosts are known (checked before).
   */
  void check(TestRequest r) {
    BandwidthSpec spec = r.spec();
    check("source.endpoint", r.sourceHost(), spec.source());
    check("target.endpoint", r.targetHost(), spec.target());
    List<BandwidthFlow> more = spec.concurrent();
    for (int i = 0; i < more.size(); i++) {
      check("concurrent[" + i + "].source.endpoint", r.sourceHost(), more.get(i).source());
      check("concurrent[" + i + "].target.endpoint", r.sourceHost(), more.get(i).target());
    }
  }

  private void check(String field, String host, Endpoint e) {
    endpoints(host)
        .problem(e, host)
        .ifPresent(
            why -> {
              throw unprocessable(field + ": " + why);
            });
  }

  private ReportedEndpoints endpoints(String host) {
    Long snapshot = inventory.host(host).map(InventoryStore.Host::latestSnapshotId).orElse(null);
    if (snapshot == null) {
      throw unprocessable(
          "host '" + host + "' has no stored report: the test's endpoints cannot be checked");
    }
    Known k = byHost.get(host);
    if (k != null && k.snapshotId() == snapshot) {
      return k.endpoints();
    }
    Report report = inventory.snapshotJson(snapshot).flatMap(QueuedEndpoints::read).orElse(null);
    if (report == null) {
      throw unprocessable(
          "the latest report of host '"
              + host
              + "' cannot be read: the test's endpoints cannot be checked");
    }
    ReportedEndpoints found = ReportedEndpoints.of(report);
    if (byHost.size() >= MAX_HOSTS) {
      byHost.clear();
    }
    // a slower request that read an older snapshot must not replace a newer one
    byHost.merge(
        host,
        new Known(snapshot, found),
        (old, now) -> old.snapshotId() > now.snapshotId() ? old : now);
    return found;
  }

  private static Optional<Report> read(String json) {
    try {
      return Optional.of(ReportJson.read(json));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
