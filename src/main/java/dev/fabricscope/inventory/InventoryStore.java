package dev.fabricscope.inventory;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The inventory: hosts and their report snapshots, with history. One interface, one JDBC
 * implementation that runs on H2 (embedded default) and PostgreSQL (production); the contract tests
 * run against both. Reports are stored as the canonical report JSON the server validated; a
 * snapshot is added only when the content changed (content hash), else the host's last-seen time
 * moves. Every write is one transaction.
 */
public interface InventoryStore {

  /**
   * A host as the inventory knows it. {@code createdBy}: who created it (the caller of the write
   * that inserted its row, {@link Ingest#createdBy}); null for hosts made before that was recorded.
   */
  record Host(
      long id,
      String name,
      Instant firstSeen,
      Instant lastSeen,
      Long latestSnapshotId,
      boolean imported,
      Map<String, String> labels,
      HostSummary summary,
      @org.eclipse.microprofile.openapi.annotations.media.Schema(
              nullable = true,
              maxLength = MAX_CREATED_BY,
              description =
                  "Who created the host, set once when its row was inserted and never changed:"
                      + " agent:<token name> (an agent's first report), token:<name> (an import"
                      + " or report with a token), person:<subject> (signed on), server (demo"
                      + " data); null for hosts created before fabricscope recorded it")
          String createdBy) {

    /** A host whose creator is not known. */
    public Host(
        long id,
        String name,
        Instant firstSeen,
        Instant lastSeen,
        Long latestSnapshotId,
        boolean imported,
        Map<String, String> labels,
        HostSummary summary) {
      this(id, name, firstSeen, lastSeen, latestSnapshotId, imported, labels, summary, null);
    }
  }

  /** The longest creator the {@code hosts.created_by} column holds. */
  int MAX_CREATED_BY = 255;

  /**
   * Counts and facts of the latest snapshot, kept on the host row for listing and filtering without
   * parsing reports.
   */
  record HostSummary(
      String cpu, int pciFunctions, int gpus, int nics, int rdma, int nvme, String source) {}

  /** A snapshot without its report. */
  record SnapshotMeta(
      long id,
      long hostId,
      Instant receivedAt,
      String contentHash,
      String source,
      boolean imported) {}

  /** What an ingest did. */
  enum Outcome {
    /** A new snapshot was stored (new host, or content changed). */
    CREATED,
    /** Same content as the latest snapshot: only last-seen moved. */
    UNCHANGED
  }

  /**
   * The result of {@link #ingest}; {@code pruned} counts the host's oldest snapshots that {@link
   * Retention} removed to make room for a new one.
   */
  record IngestResult(Outcome outcome, long hostId, long snapshotId, int pruned) {
    /** A result that pruned nothing. */
    public IngestResult(Outcome outcome, long hostId, long snapshotId) {
      this(outcome, hostId, snapshotId, 0);
    }
  }

  /**
   * How much history each host keeps: at most {@code maxSnapshots} snapshots and {@code maxBytes}
   * bytes of stored (gzip-compressed) reports. When a new snapshot goes over either, the host's
   * oldest snapshots (by received time, then id) are removed until both hold; the newest is always
   * kept, even alone over {@code maxBytes}. This bounds the database a single agent token can fill
   * (a token writes one host only), whatever it sends.
   */
  record Retention(long maxSnapshots, long maxBytes) {
    /** Keeps everything. */
    public static final Retention NONE = new Retention(Long.MAX_VALUE, Long.MAX_VALUE);

    public Retention {
      if (maxSnapshots < 1 || maxBytes < 1) {
        throw new IllegalArgumentException(
            "retention needs at least 1 snapshot and 1 byte: " + maxSnapshots + ", " + maxBytes);
      }
    }

    /** Whether a host with this many snapshots and stored bytes is within the limits. */
    public boolean holds(long snapshots, long bytes) {
      return snapshots <= maxSnapshots && bytes <= maxBytes;
    }
  }

  /**
   * What to store; {@code reportJson} is the canonical report JSON in UTF-8. {@code agentsOwn}: an
   * agent's report of the host its token is bound to, which may add a host into the room kept for
   * agents ({@code fabricscope.history.agent-reserve}); imports and admins' reports may not. {@code
   * createdBy}: the caller, recorded only when this ingest inserts the host (null: not known); at
   * most {@link #MAX_CREATED_BY} characters.
   */
  record Ingest(
      String hostName,
      byte[] reportJson,
      String contentHash,
      HostSummary summary,
      boolean imported,
      Map<String, String> labels,
      Instant receivedAt,
      boolean agentsOwn,
      String createdBy) {

    public Ingest {
      // refused here rather than cut by the database: H2 and PostgreSQL would fail the insert
      if (createdBy != null && createdBy.length() > MAX_CREATED_BY) {
        throw new IllegalArgumentException(
            "createdBy is longer than " + MAX_CREATED_BY + " characters");
      }
    }

    /** By a caller not known. */
    public Ingest(
        String hostName,
        byte[] reportJson,
        String contentHash,
        HostSummary summary,
        boolean imported,
        Map<String, String> labels,
        Instant receivedAt,
        boolean agentsOwn) {
      this(
          hostName,
          reportJson,
          contentHash,
          summary,
          imported,
          labels,
          receivedAt,
          agentsOwn,
          null);
    }

    /** Not an agent's report of its own host, by a caller not known. */
    public Ingest(
        String hostName,
        byte[] reportJson,
        String contentHash,
        HostSummary summary,
        boolean imported,
        Map<String, String> labels,
        Instant receivedAt) {
      this(hostName, reportJson, contentHash, summary, imported, labels, receivedAt, false);
    }
  }

  /**
   * Stores a report in one transaction: a new snapshot when the host is new or the hash differs
   * from its latest snapshot's, else only {@code lastSeen} (and labels, when given) move. A new
   * snapshot that takes the host over the store's {@link Retention} removes its oldest ones in the
   * same transaction.
   */
  IngestResult ingest(Ingest ingest);

  /** The latest content hash of a host, or empty (fast path for unchanged reports). */
  Optional<String> latestHash(String hostName);

  /** Moves last-seen of a host whose latest hash is {@code contentHash}; false if it changed. */
  boolean touch(String hostName, String contentHash, Instant seen);

  /** A last-seen time to write when the host's latest content hash is still {@code hash}. */
  record Touch(String host, String hash, Instant seen) {}

  /**
   * {@link #touch} for many hosts in one transaction; returns the hosts whose latest hash was no
   * longer the given one (nothing written for them).
   */
  java.util.Set<String> touchAll(List<Touch> touches);

  /** A host by name. */
  Optional<Host> host(String name);

  /**
   * Filters for {@link #hosts}: each null means "any"; {@code createdBy} is matched exactly ({@link
   * Host#createdBy}).
   */
  record HostQuery(
      String nameContains,
      String label,
      Boolean hasGpu,
      Integer offset,
      Integer limit,
      Sort sort,
      String createdBy) {
    /** By any creator. */
    public HostQuery(
        String nameContains,
        String label,
        Boolean hasGpu,
        Integer offset,
        Integer limit,
        Sort sort) {
      this(nameContains, label, hasGpu, offset, limit, sort, null);
    }

    /** Sorted by name, by any creator. */
    public HostQuery(
        String nameContains, String label, Boolean hasGpu, Integer offset, Integer limit) {
      this(nameContains, label, hasGpu, offset, limit, Sort.NAME);
    }
  }

  /** Orders of a host list; each breaks ties by name. */
  enum Sort {
    NAME,
    LAST_SEEN_NEWEST,
    GPUS_MOST,
    PCI_FUNCTIONS_MOST;

    /** From an API/page parameter: name, lastSeen, gpus, pciFunctions; null = name. */
    public static Sort parse(String s) {
      if (s == null || s.isBlank() || s.equals("name")) {
        return NAME;
      }
      return switch (s) {
        case "lastSeen" -> LAST_SEEN_NEWEST;
        case "gpus" -> GPUS_MOST;
        case "pciFunctions" -> PCI_FUNCTIONS_MOST;
        default ->
            throw new IllegalArgumentException("sort must be name, lastSeen, gpus or pciFunctions");
      };
    }
  }

  /** A page of hosts, sorted by name, and the total matching. */
  record Page<T>(List<T> items, long total, int offset, int limit) {}

  Page<Host> hosts(HostQuery query);

  /** A host's snapshots, newest first: all of them (tests, small hosts; pages use the other). */
  List<SnapshotMeta> snapshots(String hostName);

  /**
   * A page of a host's snapshots, newest first: at most {@code limit} (≥ 1), older than the host's
   * snapshot {@code before} (null: from the newest). Empty when {@code before} is not the host's.
   */
  List<SnapshotMeta> snapshots(String hostName, Long before, int limit);

  /** One snapshot's report JSON. */
  Optional<String> snapshotJson(long snapshotId);

  /**
   * One snapshot's report JSON as stored, gzip-compressed: for answers that pass it on whole, so
   * that a request holds the compressed bytes, not the text (a 15 MB report is about 1 MB).
   */
  Optional<byte[]> snapshotGzip(long snapshotId);

  /** A snapshot's metadata. */
  Optional<SnapshotMeta> snapshot(long snapshotId);

  /** The snapshot in force at a time: the newest received at or before it. */
  Optional<SnapshotMeta> snapshotAt(String hostName, Instant at);

  /** Row counts per table, for tests that check that bad input leaves no trace. */
  Map<String, Long> rowCounts();

  /** Every host's latest snapshot id by host name (hosts without a snapshot left out). */
  Map<String, Long> latestSnapshotIds();

  /**
   * Deletes a host with its snapshots, labels and agent capabilities; false when there was none. An
   * admin's undo for hosts an import made by mistake or that are gone for good (fourteenth security
   * review: nothing could remove a host). Its agent's next report makes it again.
   */
  boolean deleteHost(String name);

  /**
   * Deletes at most {@code max} (≥ 1) of the hosts {@code createdBy} created, in name order, as
   * {@link #deleteHost} deletes one, in one transaction; returns their names (fewer than {@code
   * max}: none of that creator's are left, as far as this transaction saw). An admin's bulk undo
   * for a caller that flooded the inventory: called again until it returns fewer, so that no
   * transaction holds more than {@code max} hosts' rows.
   */
  List<String> deleteHostsCreatedBy(String createdBy, int max);
}
