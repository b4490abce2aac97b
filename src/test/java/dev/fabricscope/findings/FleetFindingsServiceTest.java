package dev.fabricscope.findings;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fabricscope.config.FabricscopeConfig;
import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.inventory.InventoryStore.Host;
import dev.fabricscope.inventory.InventoryStore.HostQuery;
import dev.fabricscope.p2p.Finding;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.testing.DowntrainedHost;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Fleet findings over a store that changes while they are put together: the host pages are read by
 * offset in separate transactions, so a host added meanwhile shifts a page by one and its last host
 * comes again; and an ingest can land while the fleet is being read. Stores here are stand-ins that
 * do exactly that, over the downtrained host's real report (its findings).
 */
class FleetFindingsServiceTest {

  static final String REPORT = ReportJson.write(DowntrainedHost.named("h").report());

  /** A fleet of {@code n} hosts named h0000...; {@code onPage} runs before each page is given. */
  static FleetFindingsService service(int n, int shift, Runnable onJson, AtomicInteger listings) {
    List<Host> hosts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      hosts.add(
          new Host(
              i,
              String.format("h%04d", i),
              Instant.EPOCH,
              Instant.now(),
              (long) i,
              true,
              Map.of(),
              null));
    }
    InventoryStore store =
        (InventoryStore)
            Proxy.newProxyInstance(
                InventoryStore.class.getClassLoader(),
                new Class<?>[] {InventoryStore.class},
                (proxy, method, args) ->
                    switch (method.getName()) {
                      case "hosts" -> {
                        HostQuery q = (HostQuery) args[0];
                        if (q.offset() == 0) {
                          listings.incrementAndGet();
                        }
                        // a host added before this page since the last one: one host comes again
                        int from = Math.max(0, q.offset() - (q.offset() > 0 ? shift : 0));
                        int to = Math.min(hosts.size(), from + q.limit());
                        yield new InventoryStore.Page<>(
                            hosts.subList(from, to), hosts.size(), q.offset(), q.limit());
                      }
                      case "snapshotJson" -> {
                        onJson.run();
                        yield Optional.of(REPORT);
                      }
                      default -> throw new UnsupportedOperationException(method.getName());
                    });
    FleetFindingsService s = new FleetFindingsService();
    s.store = store;
    s.config = config();
    return s;
  }

  static FabricscopeConfig config() {
    FabricscopeConfig.Findings findings =
        proxy(FabricscopeConfig.Findings.class, Map.of("cache", Duration.ofMinutes(5)));
    FabricscopeConfig.Agent agent =
        proxy(FabricscopeConfig.Agent.class, Map.of("interval", Duration.ofMinutes(5)));
    return proxy(FabricscopeConfig.class, Map.of("findings", findings, "agent", agent));
  }

  @SuppressWarnings("unchecked")
  static <T> T proxy(Class<T> type, Map<String, Object> answers) {
    return (T)
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (p, m, a) -> {
              if (m.getName().equals("missedIntervals")) {
                return 3;
              }
              Object v = answers.get(m.getName());
              if (v == null) {
                throw new UnsupportedOperationException(m.getName());
              }
              return v;
            });
  }

  @Test
  void aHostReadTwiceAcrossPagesCountsOnce() {
    int perHost = service(1, 0, () -> {}, new AtomicInteger()).all().size();
    FleetFindingsService s = service(2500, 1, () -> {}, new AtomicInteger());
    List<Finding> all = s.all();
    assertEquals(2500L * perHost, all.size(), perHost + " findings a host, no host twice");
    assertEquals(2500, all.stream().map(Finding::host).distinct().count());
  }

  @Test
  void anIngestDuringARecomputeIsNotHiddenByTheCache() {
    AtomicInteger listings = new AtomicInteger();
    FleetFindingsService[] s = new FleetFindingsService[1];
    AtomicInteger jsons = new AtomicInteger();
    // the first recompute's first parse: an ingest lands (its snapshot was stored, then this)
    s[0] =
        service(
            3,
            0,
            () -> {
              if (jsons.getAndIncrement() == 0) {
                s[0].invalidate();
              }
            },
            listings);
    s[0].all();
    s[0].all(); // within the 5 min cache period: read again, not served from the cache
    assertEquals(2, listings.get());
    s[0].all(); // nothing landed during the second: cached now
    assertEquals(2, listings.get());
  }
}
