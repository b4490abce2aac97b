package dev.fabricscope.findings;

import dev.fabricscope.cluster.ClusterNotice;
import dev.fabricscope.concurrent.Futures;
import dev.fabricscope.config.FabricscopeConfig;
import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.inventory.InventoryStore.Host;
import dev.fabricscope.inventory.LatestSnapshotCache;
import dev.fabricscope.p2p.Finding;
import dev.fabricscope.p2p.FleetFindings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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
   * Each host's findings from its latest snapshot: snapshots never change, so a recompute parses
   * only the hosts with a new one. An agent that sends a changed report in a loop empties {@link
   * #cached} each time, and every findings request used to parse the whole fleet.
   */
  private final LatestSnapshotCache<List<Finding>> latest =
      new LatestSnapshotCache<>((host, report) -> List.copyOf(FleetFindings.forHost(host, report)));

  /**
   * Ingests since start: a recompute that an ingest overtook keeps its answer for that request but
   * does not cache it, so the next request sees the ingest.
   */
  private final AtomicLong generation = new AtomicLong();

  /** A pass over the fleet and the ingest generation it started at. */
  private record Pass(long generation, CompletableFuture<List<Finding>> result) {}

  /** The pass now running, if any: callers of the same generation wait for it. */
  private final AtomicReference<Pass> running = new AtomicReference<>();

  /**
   * All findings, sorted by host, severity, rule. No lock is held while reports are parsed and
   * judged: callers that arrive during a pass of the current generation wait for its answer (as
   * they queued on this method's monitor before), a caller after an ingest starts its own pass, and
   * {@link #forHosts} callers share the per-snapshot work through {@link LatestSnapshotCache}
   * instead of waiting for the whole fleet.
   */
  public List<Finding> all() {
    List<Finding> known = cached;
    if (known != null && Instant.now().isBefore(cachedAt.plus(config.findings().cache()))) {
      return known;
    }
    long started = generation.get();
    Pass mine = new Pass(started, new CompletableFuture<>());
    while (true) {
      Pass other = running.get();
      if (other != null && other.generation() == started) {
        return Futures.join(other.result());
      }
      if (running.compareAndSet(other, mine)) {
        break;
      }
    }
    try {
      List<Finding> result = pass(started);
      mine.result().complete(result);
      return result;
    } catch (RuntimeException | Error e) {
      mine.result().completeExceptionally(e);
      throw e;
    } finally {
      running.compareAndSet(mine, null);
    }
  }

  private List<Finding> pass(long started) {
    Instant now = Instant.now();
    List<Finding> out = new ArrayList<>();
    latest.forEach(
        store,
        (h, findings) -> {
          if (findings != null) {
            out.addAll(findings);
          }
          notSeen(h.name(), h.lastSeen(), h.imported(), now).ifPresent(out::add);
        });
    out.sort(
        Comparator.comparing(Finding::host)
            .thenComparing(f -> -f.severity().ordinal())
            .thenComparing(Finding::rule));
    List<Finding> result = List.copyOf(out);
    if (generation.get() == started) {
      // cachedAt before cached: a reader that sees the new list sees its time too
      cachedAt = now;
      cached = result;
    }
    return result;
  }

  /** The findings of a host's latest snapshot, parsed once per snapshot; none without one. */
  private List<Finding> reportFindings(Host h) {
    return reportFindings(h.name(), h.latestSnapshotId());
  }

  /**
   * The findings of a host's latest snapshot (its id; null: none, so no findings), parsed once per
   * snapshot for every caller: the pages, the API and the fleet gauges.
   */
  public List<Finding> reportFindings(String host, Long latestSnapshotId) {
    List<Finding> found = latest.of(store, host, latestSnapshotId);
    return found == null ? List.of() : found;
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

  /** Forgets the findings kept for hosts other than these (the whole inventory's names). */
  public void retainHosts(Set<String> hosts) {
    latest.retain(hosts);
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
      String rule,
      String name,
      String label,
      Boolean hasGpu,
      String createdBy,
      int offset,
      int limit) {
    Set<String> names =
        filter(rule, null, null).stream().map(Finding::host).collect(Collectors.toSet());
    List<Host> matching = new ArrayList<>();
    LatestSnapshotCache.eachHost(
        store,
        name,
        label,
        hasGpu,
        h -> {
          if (names.contains(h.name()) && (createdBy == null || createdBy.equals(h.createdBy()))) {
            matching.add(h);
          }
        });
    int from = Math.min(offset, matching.size());
    int to = Math.min(matching.size(), from + limit);
    return new InventoryStore.Page<>(matching.subList(from, to), matching.size(), offset, limit);
  }
}
