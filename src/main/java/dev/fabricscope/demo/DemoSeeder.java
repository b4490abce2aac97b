package dev.fabricscope.demo;

import dev.fabricscope.config.FabricscopeConfig;
import dev.fabricscope.ingest.ReportIngest;
import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.topology.Report;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Map;

/**
 * Fills an empty inventory with the demo hosts (real machines' gathered archives), so the server
 * started with no configuration shows something real. Each demo report is stored as an imported
 * snapshot of a host named after its archive when the report names no host.
 */
@ApplicationScoped
public class DemoSeeder {

  @Inject DemoReports demo;
  @Inject InventoryStore store;
  @Inject ReportIngest ingest;

  @Inject FabricscopeConfig config;

  void onStart(@Observes StartupEvent e) {
    if (!config.demo().seed()) {
      return;
    }
    Thread t = new Thread(this::seedIfEmpty, "demo-seeder");
    t.setDaemon(true);
    t.start();
  }

  /** Stores the demo reports when the inventory has no host; returns how many were stored. */
  public int seedIfEmpty() {
    if (store.hosts(new InventoryStore.HostQuery(null, null, null, 0, 1)).total() > 0) {
      return 0;
    }
    int n = 0;
    for (Map.Entry<String, Report> e : demo.reports().entrySet()) {
      if (demo.isStopping()) {
        break; // shutting down: the database is closing too
      }
      Report r = e.getValue();
      String name = r.host() != null && r.host().name() != null ? r.host().name() : e.getKey();
      name = dev.fabricscope.topology.HostNames.sanitize(name).orElse("demo-host");
      try {
        ingest.store(
            r.withHostName(name),
            name,
            true,
            Map.of("demo", "true"),
            dev.fabricscope.security.Caller.SERVER);
      } catch (dev.fabricscope.inventory.StoreFullException full) {
        // a nearly full volume must not stop the server from starting: demo data can wait
        Log.warnf("Demo hosts not loaded: %s", full.getMessage());
        break;
      }
      n++;
    }
    Log.infof("Inventory was empty: loaded %d demo hosts from real fixtures", n);
    return n;
  }
}
