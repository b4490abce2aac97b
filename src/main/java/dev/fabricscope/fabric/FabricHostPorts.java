package dev.fabricscope.fabric;

import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.inventory.InventoryStore.Host;
import dev.fabricscope.report.ReportJson;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every host's RDMA ports ({@link HostRdmaPorts}) from its latest snapshot, kept by snapshot id: a
 * view of {@code /fabric} parses only the hosts with a new snapshot, one report at a time, and
 * holds a few rows per host instead of the fleet's reports (a review held 150 reports of 1.6 MB in
 * memory per request, and 12 parallel views ran a 1.4 GB heap out). One reader at a time: views
 * that start together wait for the first, which leaves the rest nothing to parse.
 */
@ApplicationScoped
public class FabricHostPorts {

  /** Hosts read from the inventory per query. */
  static final int PAGE = 1000;

  @Inject InventoryStore store;

  private record Kept(long snapshotId, HostRdmaPorts ports) {}

  private final Map<String, Kept> byHost = new ConcurrentHashMap<>();

  /** Every host's ports, by host name; hosts without a snapshot left out. */
  public synchronized List<HostRdmaPorts> all() {
    List<HostRdmaPorts> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    int offset = 0;
    while (true) {
      var page = store.hosts(new InventoryStore.HostQuery(null, null, null, offset, PAGE));
      for (Host h : page.items()) {
        // pages by offset: a host added meanwhile shifts the next page, and one may come twice
        if (names.add(h.name())) {
          HostRdmaPorts ports = ports(h);
          if (ports != null) {
            out.add(ports);
          }
        }
      }
      offset += page.items().size();
      if (page.items().isEmpty() || offset >= page.total()) {
        break;
      }
    }
    byHost.keySet().retainAll(names);
    return out;
  }

  private HostRdmaPorts ports(Host h) {
    Long id = h.latestSnapshotId();
    if (id == null) {
      return null;
    }
    Kept known = byHost.get(h.name());
    if (known != null && known.snapshotId() == id) {
      return known.ports();
    }
    String json = store.snapshotJson(id).orElse(null);
    if (json == null) {
      // replaced (and pruned) since the host row was read: the last ports known, if any
      return known == null ? null : known.ports();
    }
    HostRdmaPorts ports;
    try {
      ports = HostRdmaPorts.of(new RdmaFabric.HostReport(h.name(), ReportJson.read(json)));
    } catch (IOException e) {
      throw new IllegalStateException("stored report of " + h.name() + " does not read back", e);
    }
    byHost.put(h.name(), new Kept(id, ports));
    return ports;
  }
}
