package dev.fabricscope.findings;

import dev.fabricscope.cluster.ClusterNotice;
import dev.fabricscope.config.FabricscopeConfig;
import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.inventory.InventoryStore.Host;
import dev.fabricscope.p2p.Finding;
import dev.fabricscope.p2p.FleetFindings;
import dev.fabricscope.report.ReportJson;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Fleet findings over every host's latest snapshot ({@link FleetFindings}' rules), recomputed at
 * most every few seconds: a fleet of thousands of hosts is parsed once per period, not per request.
 * Imported hosts have no agent, so "not seen" does not apply to them.
 */
@ApplicationScoped
public class FleetFindingsService {

  @Inject InventoryStore store;

  @Inject FabricscopeConfig config;

  private volatile List<Finding> cached;
  private volatile Instant cachedAt = Instant.EPOCH;

  /** All findings, sorted by host, severity, rule. */
  public synchronized List<Finding> all() {
    Instant now = Instant.now();
    if (cached != null && now.isBefore(cachedAt.plus(config.findings().cache()))) {
      return cached;
    }
    List<FleetFindings.HostReport> hosts = new ArrayList<>();
    List<Finding> notSeen = new ArrayList<>();
    for (InventoryStore.LatestReport lr : store.latestReports()) {
      Host h = lr.host();
      try {
        hosts.add(new FleetFindings.HostReport(h.name(), null, ReportJson.read(lr.reportJson())));
      } catch (IOException e) {
        throw new IllegalStateException("stored report of " + h.name() + " does not read back", e);
      }
      if (!h.imported()) {
        FleetFindings.hostNotSeen(
                h.name(),
                h.lastSeen(),
                now,
                config.agent().interval(),
                config.findings().missedIntervals())
            .ifPresent(notSeen::add);
      }
    }
    List<Finding> out = new ArrayList<>();
    for (FleetFindings.HostReport h : hosts) {
      out.addAll(FleetFindings.forHost(h.host(), h.report()));
    }
    out.addAll(notSeen);
    out.sort(
        java.util.Comparator.comparing(Finding::host)
            .thenComparing(f -> -f.severity().ordinal())
            .thenComparing(Finding::rule));
    cached = List.copyOf(out);
    cachedAt = now;
    return cached;
  }

  /**
   * Findings of these hosts only, by host name: the same rules as {@link #all()}, computed from
   * each host's latest snapshot, so a page of a large fleet costs a page of parses, not the fleet.
   */
  public Map<String, List<Finding>> forHosts(List<Host> hosts) {
    Instant now = Instant.now();
    Map<String, List<Finding>> out = new java.util.LinkedHashMap<>();
    for (Host h : hosts) {
      List<Finding> list = new ArrayList<>();
      if (h.latestSnapshotId() != null) {
        String json = store.snapshotJson(h.latestSnapshotId()).orElse(null);
        if (json != null) {
          try {
            list.addAll(FleetFindings.forHost(h.name(), ReportJson.read(json)));
          } catch (IOException e) {
            throw new IllegalStateException(
                "stored report of " + h.name() + " does not read back", e);
          }
        }
      }
      if (!h.imported()) {
        FleetFindings.hostNotSeen(
                h.name(),
                h.lastSeen(),
                now,
                config.agent().interval(),
                config.findings().missedIntervals())
            .ifPresent(list::add);
      }
      out.put(h.name(), list);
    }
    return out;
  }

  /**
   * {@link FleetFindings#HOST_NOT_SEEN} for one host, by the same interval and count as {@link
   * #all()}: a host is stale when its agent missed {@code fabricscope.findings.missed-intervals}
   * intervals of {@code fabricscope.agent.interval}. Imported hosts have no agent: never stale.
   */
  public java.util.Optional<Finding> notSeen(
      String host, Instant lastSeen, boolean imported, Instant now) {
    if (imported) {
      return java.util.Optional.empty();
    }
    return FleetFindings.hostNotSeen(
        host, lastSeen, now, config.agent().interval(), config.findings().missedIntervals());
  }

  /** Another replica stored a snapshot: the cached findings may be out of date. */
  void onRemote(@Observes ClusterNotice.SnapshotStored n) {
    invalidate();
  }

  /** Forgets the cache (after an ingest, tests). */
  public void invalidate() {
    cached = null;
  }

  /** Findings filtered by rule, host and severity (each null = any). */
  public List<Finding> filter(String rule, String host, String severity) {
    return all().stream()
        .filter(f -> rule == null || f.rule().equals(rule))
        .filter(f -> host == null || f.host().equals(host))
        .filter(f -> severity == null || f.severity().json().equals(severity))
        .toList();
  }

  /** Hosts with a finding of this rule, also matching the store's filters, paged by name. */
  public InventoryStore.Page<Host> hostsWith(
      String rule, String name, String label, Boolean hasGpu, int offset, int limit) {
    Set<String> names =
        filter(rule, null, null).stream().map(Finding::host).collect(Collectors.toSet());
    List<Host> matching = new ArrayList<>();
    int page = 0;
    while (true) {
      var p = store.hosts(new InventoryStore.HostQuery(name, label, hasGpu, page, 1000));
      p.items().stream().filter(h -> names.contains(h.name())).forEach(matching::add);
      page += p.items().size();
      if (p.items().isEmpty() || page >= p.total()) {
        break;
      }
    }
    int from = Math.min(offset, matching.size());
    int to = Math.min(matching.size(), from + limit);
    return new InventoryStore.Page<>(matching.subList(from, to), matching.size(), offset, limit);
  }
}
