package dev.fabricscope.ingest;

import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.inventory.InventoryStore.HostSummary;
import dev.fabricscope.metrics.IngestMetrics;
import dev.fabricscope.report.ContentHash;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.topology.DeviceKind;
import dev.fabricscope.topology.Report;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Stores reports: validated, canonicalized (report JSON as {@link ReportJson} writes it), hashed
 * (SHA-256) and handed to the {@link InventoryStore}, which adds a snapshot only when the content
 * changed. A body byte-identical to the host's latest snapshot is recognized by its hash before any
 * parsing (the agent writes the same bytes for the same content), so unchanged reports cost one
 * hash and a map lookup ({@link KnownHosts}).
 */
@ApplicationScoped
public class ReportIngest {

  private final ReportParser parser = new ReportParser();

  @Inject InventoryStore store;
  @Inject IngestMetrics metrics;
  @Inject dev.fabricscope.findings.FleetFindingsService findings;
  @Inject dev.fabricscope.events.HostEvents events;

  @Inject KnownHosts known;
  @Inject dev.fabricscope.cluster.ClusterBus cluster;
  @Inject dev.fabricscope.plans.HostOffers offers;

  /** The outcome of one ingest. */
  public record Result(InventoryStore.Outcome outcome, long snapshotId, String host) {}

  /**
   * The fast path for an agent's unchanged report: when the body's SHA-256 ({@code bodyHash},
   * {@link ContentHash#of}) is the host's latest content as this server knows it, records the visit
   * and returns the answer; else null (then {@link #ingest} must run, given the same hash). Pure
   * CPU and memory, so it runs on the HTTP event loop.
   */
  public Result unchangedFromMemory(String bodyHash, String host, Map<String, String> labels) {
    long started = System.nanoTime();
    long id = known.seenIfUnchanged(host, bodyHash, labels, Instant.now());
    if (id < 0) {
      return null;
    }
    metrics.received();
    metrics.stored(InventoryStore.Outcome.UNCHANGED);
    metrics.ingest().record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
    return new Result(InventoryStore.Outcome.UNCHANGED, id, host);
  }

  /**
   * Ingests a report body. Blocking: runs on a worker thread.
   *
   * @param bodyHash the body's SHA-256 when the caller has it already (the fast path computed it),
   *     or null: a changed report of 332 KB would otherwise be hashed twice (0.17 ms each)
   * @param knownHost the host an agent token is bound to (enables the unchanged fast path), or null
   * @param authorize checks the caller may write the report's host (throws when not)
   * @param imported whether the report came through an import, not an agent
   * @param createdBy the caller ({@link dev.fabricscope.security.Caller#creator}), recorded when
   *     this report creates the host
   */
  public Result ingest(
      byte[] body,
      String bodyHash,
      String knownHost,
      Consumer<String> authorize,
      boolean imported,
      Map<String, String> labels,
      String createdBy) {
    Timer.Sample sample = Timer.start();
    metrics.received();
    try {
      String rawHash = bodyHash;
      if (knownHost != null) {
        if (rawHash == null) {
          rawHash = ContentHash.of(body);
        }
        long id = known.seenOrConfirmed(knownHost, rawHash, labels, Instant.now());
        if (id >= 0) {
          metrics.stored(InventoryStore.Outcome.UNCHANGED);
          return new Result(InventoryStore.Outcome.UNCHANGED, id, knownHost);
        }
      }
      Report report = parser.parse(body);
      String host = ReportParser.hostName(report);
      authorize.accept(host);
      // an agent's report of its own host may take the room kept for agents; an admin's may not
      boolean agentsOwn = !imported && host.equals(knownHost);
      Result r = store(report, host, imported, labels, body, rawHash, agentsOwn, createdBy);
      metrics.stored(r.outcome());
      return r;
    } catch (RuntimeException e) {
      metrics.rejected();
      throw e;
    } finally {
      sample.stop(metrics.ingest());
    }
  }

  /**
   * Stores an already-validated report (imports and demo data); {@code createdBy} is recorded when
   * it creates the host ({@link dev.fabricscope.security.Caller#creator}, or {@code server}).
   */
  public Result store(
      Report report, String host, boolean imported, Map<String, String> labels, String createdBy) {
    return store(report, host, imported, labels, null, null, false, createdBy);
  }

  private Result store(
      Report report,
      String host,
      boolean imported,
      Map<String, String> labels,
      byte[] body,
      String bodyHash,
      boolean agentsOwn,
      String createdBy) {
    byte[] bytes;
    try {
      bytes = ReportJson.mapper().writeValueAsBytes(report);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new java.io.UncheckedIOException(e);
    }
    // the agent sends canonical JSON: then the body's hash is the content hash already
    String hash =
        bodyHash != null && java.util.Arrays.equals(bytes, body) ? bodyHash : ContentHash.of(bytes);
    InventoryStore.IngestResult r =
        store.ingest(
            new InventoryStore.Ingest(
                host,
                bytes,
                hash,
                summary(report),
                imported,
                labels,
                Instant.now(),
                agentsOwn,
                createdBy));
    if (r.outcome() == InventoryStore.Outcome.CREATED) {
      findings.invalidate();
    }
    metrics.pruned(r.pruned());
    known.remember(host, hash, r.snapshotId(), labels);
    if (r.outcome() == InventoryStore.Outcome.CREATED) {
      // from the report in hand, before the event: the event path would read and parse it again
      offers.stored(host, r.snapshotId(), report);
      events.snapshotAdded(host, r.snapshotId(), imported);
      // before the answer: a replica that gets this host's next report knows it changed
      cluster.snapshotStored(host, r.snapshotId(), imported);
    }
    return new Result(r.outcome(), r.snapshotId(), host);
  }

  /** Counts for listing and filtering hosts without parsing their reports. */
  public static HostSummary summary(Report r) {
    String cpu = r.host() == null || r.host().cpu() == null ? null : r.host().cpu().modelName();
    int nics = 0;
    int nvme = 0;
    for (var f : r.pci()) {
      if (f.kind() == DeviceKind.NIC || f.kind() == DeviceKind.RDMA) {
        nics++;
      } else if (f.kind() == DeviceKind.NVME) {
        nvme++;
      }
    }
    return new HostSummary(
        cpu, r.pci().size(), r.gpus().size(), nics, r.rdma().size(), nvme, r.source());
  }
}
