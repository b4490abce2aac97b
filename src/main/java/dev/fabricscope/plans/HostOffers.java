package dev.fabricscope.plans;

import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.plan.HostOffer;
import dev.fabricscope.report.ReportJson;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
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
 * hosts that reported since the last ranking. A cold server would pay for every host in its first
 * ranking (bench/select-bench.sh: 12.6 s for 10,000 hosts, parsing their reports), so the offers
 * are computed in the background once the server has started, and missing ones on every core.
 */
@ApplicationScoped
public class HostOffers {

  private static final Logger LOG = Logger.getLogger(HostOffers.class);

  @Inject InventoryStore inventory;

  private final Map<Long, HostOffer> bySnapshot = new ConcurrentHashMap<>();

  /** Plans every host once in the background, so the first ranking finds the offers made. */
  void onStart(@Observes StartupEvent e) {
    Thread warm =
        new Thread(
            () -> {
              try {
                all();
              } catch (RuntimeException ex) {
                // the next ranking computes what is missing; a failure here only loses the head
                // start
                LOG.debugf("host selection: offers not computed ahead: %s", ex);
              }
            },
            "host-offers-ahead");
    warm.setDaemon(true);
    warm.setPriority(Thread.MIN_PRIORITY);
    warm.start();
  }

  /** The offers of every host with a snapshot, by host name order. */
  public List<HostOffer> all() {
    Map<String, Long> latest = inventory.latestSnapshotIds();
    bySnapshot.keySet().retainAll(latest.values());
    // the hosts that reported since the last ranking, planned on every core
    latest.entrySet().stream()
        .filter(e -> !bySnapshot.containsKey(e.getValue()))
        .toList()
        .parallelStream()
        .forEach(
            e -> {
              HostOffer o = compute(e.getKey(), e.getValue());
              if (o != null) {
                bySnapshot.putIfAbsent(e.getValue(), o);
              }
            });
    List<HostOffer> out = new ArrayList<>(latest.size());
    for (Long id : latest.values()) {
      HostOffer o = bySnapshot.get(id);
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
