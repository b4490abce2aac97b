package dev.fabricscope.metrics;

import static dev.fabricscope.p2p.FleetFindings.HOST_NOT_SEEN;

import dev.fabricscope.config.FabricscopeConfig;
import dev.fabricscope.findings.FleetFindingsService;
import dev.fabricscope.inventory.BandwidthJobStore;
import dev.fabricscope.inventory.FleetCounts;
import dev.fabricscope.p2p.Finding;
import dev.fabricscope.p2p.Finding.Severity;
import dev.fabricscope.p2p.FleetFindings;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fleet gauges for Prometheus: {@code fabricscope_hosts}, {@code fabricscope_hosts_stale}, {@code
 * fabricscope_findings{rule,severity}} and {@code fabricscope_bandwidth_tests{state}}. Every series
 * is registered at start with every label value it can take, so each is scraped as 0 rather than
 * missing until the first host or test.
 *
 * <p>A scrape only reads numbers held here. They are recomputed every {@code
 * fabricscope.metrics.refresh} (15 s) on a worker thread from two narrow queries ({@link
 * FleetCounts}); a host's report is parsed only when its latest snapshot changed since the last
 * refresh (through {@link FleetFindingsService#reportFindings}, the findings the pages share), so a
 * steady fleet of thousands costs two queries per period, not a parse of the fleet. Stale is {@link
 * FleetFindingsService#notSeen}: the agent missed {@code missed-intervals} intervals, the same rule
 * as the {@code HOST_NOT_SEEN} finding.
 */
@ApplicationScoped
public class FleetGauges {

  /** Every rule of {@link FleetFindings}, so each has its series before any host has it. */
  static final List<String> RULES =
      List.of(
          FleetFindings.DOWNTRAINED_LINK,
          FleetFindings.LINK_SPEED_BELOW_CAPABLE,
          FleetFindings.ACS_REDIRECT_SWITCH_PORT,
          FleetFindings.GPU_WITHOUT_CLOSE_NIC,
          FleetFindings.SOFTWARE_RDMA_WITH_HARDWARE,
          FleetFindings.P2PMEM_UNPUBLISHED,
          FleetFindings.HOST_NOT_SEEN);

  @Inject MeterRegistry registry;
  @Inject FleetCounts counts;
  @Inject FleetFindingsService findings;
  @Inject Vertx vertx;

  @Inject FabricscopeConfig config;

  private final AtomicLong hosts = new AtomicLong();
  private final AtomicLong staleHosts = new AtomicLong();
  private final Map<RuleSeverity, AtomicLong> findingCounts = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> testsByState = new ConcurrentHashMap<>();

  private record RuleSeverity(String rule, Severity severity) {}

  private final AtomicBoolean refreshing = new AtomicBoolean();
  private long timer = -1;

  void onStart(@Observes StartupEvent e) {
    Gauge.builder("fabricscope.hosts", hosts, AtomicLong::get)
        .description("Hosts in the inventory (agents' and imported)")
        .register(registry);
    Gauge.builder("fabricscope.hosts.stale", staleHosts, AtomicLong::get)
        .description(
            "Hosts whose agent missed fabricscope.findings.missed-intervals report intervals"
                + " (the HOST_NOT_SEEN finding); imported hosts are never stale")
        .register(registry);
    for (String rule : RULES) {
      for (Severity s : Severity.values()) {
        findingGauge(new RuleSeverity(rule, s));
      }
    }
    for (BandwidthJobStore.State s : BandwidthJobStore.State.values()) {
      AtomicLong n = new AtomicLong();
      testsByState.put(s.json(), n);
      Gauge.builder("fabricscope.bandwidth.tests", n, AtomicLong::get)
          .tags("state", s.json())
          .description("Bandwidth tests stored, by state (terminal states accumulate)")
          .register(registry);
    }
    timer =
        vertx.setPeriodic(1, config.metrics().refresh().toMillis(), id -> refreshInBackground());
  }

  void onStop(@Observes ShutdownEvent e) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  private void refreshInBackground() {
    if (!refreshing.compareAndSet(false, true)) {
      return; // the previous refresh is still running (a large first parse)
    }
    vertx.executeBlocking(
        () -> {
          try {
            refresh(Instant.now());
          } catch (RuntimeException ex) {
            // keep the last numbers; the next period tries again
            Log.warnf("Fleet metrics: refresh failed: %s", ex.getMessage());
          } finally {
            refreshing.set(false);
          }
          return null;
        },
        false);
  }

  /** Recomputes every gauge as of {@code now}. Blocking (database, report parsing). */
  public synchronized void refresh(Instant now) {
    List<FleetCounts.HostRow> rows = counts.hosts();
    Map<RuleSeverity, Long> found = new HashMap<>();
    long stale = 0;
    Set<String> names = new HashSet<>();
    for (FleetCounts.HostRow h : rows) {
      names.add(h.name());
      for (Finding x : findings.reportFindings(h.name(), h.latestSnapshotId())) {
        // a finding that stands for others folded into it counts them all (FindingBounds.capped)
        found.merge(new RuleSeverity(x.rule(), x.severity()), (long) x.count(), Long::sum);
      }
      var notSeen = findings.notSeen(h.name(), h.lastSeen(), h.imported(), now);
      if (notSeen.isPresent()) {
        stale++;
        found.merge(new RuleSeverity(HOST_NOT_SEEN, notSeen.get().severity()), 1L, Long::sum);
      }
    }
    findings.retainHosts(names); // deleted hosts' findings go
    hosts.set(rows.size());
    staleHosts.set(stale);
    found.keySet().forEach(this::findingGauge); // a rule added to core after RULES was written
    findingCounts.forEach((k, v) -> v.set(found.getOrDefault(k, 0L)));
    Map<String, Long> states = counts.bandwidthTestsByState();
    testsByState.forEach((k, v) -> v.set(states.getOrDefault(k, 0L)));
  }

  private AtomicLong findingGauge(RuleSeverity key) {
    return findingCounts.computeIfAbsent(
        key,
        k -> {
          AtomicLong n = new AtomicLong();
          Gauge.builder("fabricscope.findings", n, AtomicLong::get)
              .tags("rule", k.rule(), "severity", k.severity().json())
              .description("Fleet findings over every host's latest snapshot, by rule and severity")
              .register(registry);
          return n;
        });
  }
}
