package dev.fabricscope.bandwidth;

import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.inventory.LatestSnapshotCache;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;

/**
 * The RDMA ports' GIDs of each host's latest report ({@link ListenerGidRule#portGids}), read once
 * per snapshot: a listener's GID is held to them, and an agent that posts {@code listening} again
 * and again must not make the server parse a large report each time (the review of the change).
 */
@ApplicationScoped
public class ListenerGids {

  @Inject InventoryStore inventory;

  private final LatestSnapshotCache<Map<String, List<String>>> gids =
      new LatestSnapshotCache<>((host, report) -> ListenerGidRule.portGids(report));

  /** "device:port" → GIDs of the host's latest report; null when the host has none. */
  Map<String, List<String>> of(String host) {
    return inventory.host(host).map(h -> gids.of(inventory, h)).orElse(null);
  }
}
