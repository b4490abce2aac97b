package dev.fabricscope.fabric;

import dev.fabricscope.config.FabricscopeConfig;
import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.report.ReportJson;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The RDMA fabric ({@link RdmaFabric}) over every host's latest report in the inventory, with the
 * {@code ibnetdiscover -p} outputs an operator keeps in {@code
 * fabricscope.fabric.ibnetdiscover-dir} (one {@code *.txt} per fabric) telling InfiniBand fabrics
 * apart.
 */
@ApplicationScoped
public class FabricService {

  @Inject InventoryStore store;

  @Inject FabricscopeConfig config;

  /** The subnets, InfiniBand first. */
  public List<RdmaFabric.Subnet> subnets() {
    return RdmaFabric.build(hosts(), discoveries());
  }

  /** The ports that report no GID, listed apart from the subnets. */
  public List<RdmaFabric.PortRow> withoutGid() {
    return RdmaFabric.withoutGid(hosts());
  }

  private List<RdmaFabric.HostReport> hosts() {
    List<RdmaFabric.HostReport> hosts = new ArrayList<>();
    for (InventoryStore.LatestReport lr : store.latestReports()) {
      try {
        hosts.add(new RdmaFabric.HostReport(lr.host().name(), ReportJson.read(lr.reportJson())));
      } catch (IOException e) {
        throw new IllegalStateException(
            "stored report of " + lr.host().name() + " does not read back", e);
      }
    }
    return hosts;
  }

  /** The discoveries in the configured folder, by file name; none when it is not configured. */
  List<IbNetDiscover.Discovery> discoveries() {
    Path dir = config.fabric().ibnetdiscoverDir().orElse(null);
    if (dir == null || !Files.isDirectory(dir)) {
      return List.of();
    }
    List<IbNetDiscover.Discovery> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".txt")).sorted().toList()) {
        IbNetDiscover.Discovery d =
            IbNetDiscover.Discovery.of(f.getFileName().toString(), Files.readString(f));
        if (d != null) {
          out.add(d);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + dir, e);
    }
    return out;
  }
}
