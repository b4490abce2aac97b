package dev.fabricscope.fabric;

import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.inventory.LatestSnapshotCache;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;

/**
 * Every host's RDMA ports ({@link HostRdmaPorts}) from its latest snapshot, kept by snapshot id
 * ({@link LatestSnapshotCache}): a view of {@code /fabric} parses only the hosts with a new
 * snapshot, one report at a time, and holds a few rows per host instead of the fleet's reports. One
 * reader at a time: views that start together wait for the first, which leaves the rest nothing to
 * parse.
 */
@ApplicationScoped
public class FabricHostPorts {

  @Inject InventoryStore store;

  private final LatestSnapshotCache<HostRdmaPorts> latest =
      new LatestSnapshotCache<>(
          (host, report) -> HostRdmaPorts.of(new RdmaFabric.HostReport(host, report)));

  /** Every host's ports, by host name; hosts without a snapshot left out. */
  public synchronized List<HostRdmaPorts> all() {
    List<HostRdmaPorts> out = new ArrayList<>();
    latest.forEach(
        store,
        (host, ports) -> {
          if (ports != null) {
            out.add(ports);
          }
        });
    return out;
  }
}
