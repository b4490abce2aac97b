package dev.fabricscope.plans;

import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.plan.HostOffer;
import dev.fabricscope.report.ReportJson;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Every host's {@link HostOffer} for host selection, computed once per snapshot (snapshots never
 * change) and kept while the snapshot is a host's latest, so ranking a fleet re-plans only the
 * hosts that reported since the last ranking.
 */
@ApplicationScoped
public class HostOffers {

  private static final Logger LOG = Logger.getLogger(HostOffers.class);

  @Inject InventoryStore inventory;

  private final Map<Long, HostOffer> bySnapshot = new ConcurrentHashMap<>();

  /** The offers of every host with a snapshot, by host name order. */
  public List<HostOffer> all() {
    Map<String, Long> latest = inventory.latestSnapshotIds();
    bySnapshot.keySet().retainAll(latest.values());
    List<HostOffer> out = new ArrayList<>(latest.size());
    for (var e : latest.entrySet()) {
      HostOffer o = bySnapshot.computeIfAbsent(e.getValue(), id -> compute(e.getKey(), id));
      if (o != null) {
        out.add(o);
      }
    }
    return out;
  }

  private HostOffer compute(String host, long snapshotId) {
    String json = inventory.snapshotJson(snapshotId).orElse(null);
    if (json == null) {
      return null; // replaced between the two reads; the next ranking sees the new one
    }
    try {
      return HostOffer.of(host, ReportJson.read(json));
    } catch (IOException | RuntimeException e) {
      // a stored report passed the checks; one the planner cannot read is ranked as offering
      // nothing rather than failing the whole fleet's ranking
      LOG.warnf("host selection: snapshot %d of %s not planned: %s", snapshotId, host, e);
      return new HostOffer(host, List.of(), Map.of());
    }
  }
}
