package dev.fabricscope.fabric;

import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.report.ReportJson;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The RDMA fabric ({@link RdmaFabric}) over every host's latest report in the inventory. */
@ApplicationScoped
public class FabricService {

  @Inject InventoryStore store;

  /** The subnets, InfiniBand first. */
  public List<RdmaFabric.Subnet> subnets() {
    List<RdmaFabric.HostReport> hosts = new ArrayList<>();
    for (InventoryStore.LatestReport lr : store.latestReports()) {
      try {
        hosts.add(new RdmaFabric.HostReport(lr.host().name(), ReportJson.read(lr.reportJson())));
      } catch (IOException e) {
        throw new IllegalStateException(
            "stored report of " + lr.host().name() + " does not read back", e);
      }
    }
    return RdmaFabric.build(hosts);
  }
}
