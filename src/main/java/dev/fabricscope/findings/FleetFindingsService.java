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
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Fleet findings over every host's latest snapshot ({@link FleetFindings}' rules), put together at
 * most every few seconds ({@code fabricscope.findings.cache}) or after an ingest; each host's
 * report is parsed once per snapshot, so an ingest costs the parse of its own host only. Imported
 * hosts have no agent, so "not seen" does not apply to them.
 */
@ApplicationScoped
public class FleetFindingsService {

  @Inject InventoryStore store;

  @Inject FabricscopeConfig config;

  private volatile List<Finding> cached;
  private volatile Instant cachedAt = Instant.EPOCH;

  /**
   * Each host's findings from its latest snapshot, by host name: snapshots never change, so a
   * recompute parses only the hosts with a new one. An agent that sends a changed report in a loop
   * empties {@link #cached} each time, and every findings request used to parse the whole fleet.
   */
  private final Map<String, HostFindings> byHost = new ConcurrentHashMap<>();

  private record HostFindings(long snapshotId, List<Finding> findings) {}

  /**
   * Ingests since start: a recompute that an ingest overtook keeps its answer for that request but
   * does not cache it, so the next request sees the ingest.
   */
  private final AtomicLong generation = new AtomicLong();

  /** All findings, sorted by host, severity, rule. */
  public synchronized List<Finding> all() {
    Instant now = Instant.now();
    if (cached != null && now.isBefore(cachedAt.plus(config.findings().cache()))) {
      return cached;
    }
    long started = generation.get();
    List<Finding> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    int offset = 0;
    while (true) {
      var page = store.hosts(new InventoryStore.HostQuery(null, null, null, offset, 1000));
      for (Host h : page.items()) {
        if (!names.add(h.name())) {
          continue; // pages by offset: a host added before it shifts the next page by one
        }
        out.addAll(reportFindings(h));
        notSeen(h.name(), h.lastSeen(), h.imported(), now).ifPresent(out::add);
      }
      offset += page.items().size();
      if (page.items().isEmpty() || offset >= page.total()) {
        break;
      }
    }
    byHost.keySet().retainAll(names);
    out.sort(
        Comparator.comparing(Finding::host)
            .thenComparing(f -> -f.severity().ordinal())
            .thenComparing(Finding::rule));
    List<Finding> result = List.copyOf(out);
    if (generation.get() == started) {
      cached = result;
      cachedAt = now;
    }
    return result;
  }

  /** The findings of a host's latest snapshot: kept by snapshot id, parsed once per snapshot. */
  private List<Finding> reportFindings(Host h) {
    Long id = h.latestSnapshotId();
    if (id == null) {
      return List.of();
    }
    HostFindings known = byHost.get(h.name());
    if (known != null && known.snapshotId() == id) {
      return known.findings();
    }
    String json = store.snapshotJson(id).orElse(null);
    if (json == null) {
      return List.of(); // replaced since the host row was read: the next recompute has it
    }
    List<Finding> found;
    try {
      found = List.copyOf(FleetFindings.forHost(h.name(), ReportJson.read(json)));
    } catch (IOException e) {
      throw new IllegalStateException("stored report of " + h.name() + " does not read back", e);
    }
    byHost.put(h.name(), new HostFindings(id, found));
    return found;
  }

  /**
   * Findings of these hosts only, by host name: the same rules as {@link #all()}, computed from
   * each host's latest snapshot, so a page of a large fleet costs a page of parses, not the fleet.
   */
  public Map<String, List<Finding>> forHosts(List<Host> hosts) {
    Instant now = Instant.now();
    Map<String, List<Finding>> out = new LinkedHashMap<>();
    for (Host h : hosts) {
      List<Finding> list = new ArrayList<>(reportFindings(h));
      notSeen(h.name(), h.lastSeen(), h.imported(), now).ifPresent(list::add);
      out.put(h.name(), list);
    }
    return out;
  }

  /**
   * {@link FleetFindings#HOST_NOT_SEEN} for one host, by the same interval and count as {@link
   * #all()}: a host is stale when its agent missed {@code fabricscope.findings.missed-intervals}
   * intervals of {@code fabricscope.agent.interval}. Imported hosts have no agent: never stale.
   */
  public Optional<Finding> notSeen(String host, Instant lastSeen, boolean imported, Instant now) {
    if (imported) {
      return Optional.empty();
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
    generation.incrementAndGet();
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
