package dev.fabricscope.api;

import dev.fabricscope.inventory.InventoryStore;
import dev.fabricscope.inventory.InventoryStore.Host;
import dev.fabricscope.inventory.InventoryStore.SnapshotMeta;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.security.ApiException;
import dev.fabricscope.topology.Report;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * A host's stored snapshots as the REST resources look them up: the host (404 when unknown), the
 * snapshot in force at an instant, a snapshot's report JSON or report, each refusal as the problem
 * the caller answers with. The callers check access; this only reads the inventory.
 */
@ApplicationScoped
public class HostSnapshots {

  @Inject InventoryStore store;

  /** The host, or 404. */
  public Host find(String host) {
    return store.host(host).orElseThrow(() -> ApiException.notFound("no host named " + host));
  }

  private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

  /** The id of the host's snapshot in force at {@code at} (ISO-8601; null: the latest). */
  public long snapshotAt(String host, String at) {
    Host h = find(host);
    if (at == null || at.isBlank()) {
      if (h.latestSnapshotId() == null) {
        throw ApiException.notFound("host " + host + " has no snapshot");
      }
      return h.latestSnapshotId();
    }
    Instant t;
    try {
      t = Instant.parse(at);
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest("at must be an ISO-8601 instant like 2026-11-24T06:00:00Z");
    }
    // Instant takes years of ±1,000,000,000, the databases fewer (PostgreSQL ends in 294276, and
    // OffsetDateTime could not hold the extremes: a 500 with a stack trace, twelfth security
    // review): held to years 1 to 9999, which says the same (none yet, or the latest)
    t = t.isBefore(EARLIEST) ? EARLIEST : t.isAfter(LATEST) ? LATEST : t;
    return store
        .snapshotAt(host, t)
        .map(SnapshotMeta::id)
        .orElseThrow(() -> ApiException.notFound("host " + host + " had no snapshot at " + at));
  }

  /** A snapshot's report JSON; 404 when there is none. */
  public String json(long snapshotId) {
    return store
        .snapshotJson(snapshotId)
        .orElseThrow(() -> ApiException.notFound("no snapshot " + snapshotId));
  }

  /** A snapshot's report JSON as stored, gzip-compressed ({@link GzipJson}); 404 when none. */
  public byte[] gzip(long snapshotId) {
    return store
        .snapshotGzip(snapshotId)
        .orElseThrow(() -> ApiException.notFound("no snapshot " + snapshotId));
  }

  /**
   * The compressed report JSON of the snapshot {@code idParam} (400 when it is no id), 404 unless
   * it is one of this host's.
   */
  public byte[] ofHost(String host, String idParam) {
    long id = Params.id("snapshot id", idParam);
    return gzip(ofHost(find(host), id));
  }

  /** {@code id} when it is one of the host's snapshots; 404 otherwise. */
  public long ofHost(Host h, long id) {
    if (store.snapshot(id).filter(s -> s.hostId() == h.id()).isEmpty()) {
      throw ApiException.notFound("host " + h.name() + " has no snapshot " + id);
    }
    return id;
  }

  /** The host's report in force at {@code at} (null: the latest). */
  public Report report(String host, String at) {
    return read(json(snapshotAt(host, at)));
  }

  /** A stored report; stored snapshots were validated, so one that does not read back is a bug. */
  public static Report read(String json) {
    try {
      return ReportJson.read(json);
    } catch (IOException e) {
      throw new IllegalStateException("a stored snapshot does not read back", e);
    }
  }
}
