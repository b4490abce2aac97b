package dev.fabricscope.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.concurrent.SharedLru;
import dev.fabricscope.config.FabricscopeConfig;
import dev.fabricscope.p2p.CompactMatrix;
import dev.fabricscope.p2p.Device;
import dev.fabricscope.p2p.P2pAnalyzer;
import dev.fabricscope.p2p.SmiLayout;
import dev.fabricscope.security.Access;
import dev.fabricscope.security.ApiException;
import dev.fabricscope.topology.Report;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * The compact all-pairs answers of {@code GET /api/v1/hosts/{host}/p2p}, with the work per request
 * bounded three ways: a host with more than {@code fabricscope.p2p.max-devices} matrix devices is
 * refused (422) before any pair is computed; answers are cached by snapshot id (a snapshot never
 * changes), at most {@code cache-entries} of them and {@code cache-bytes} bytes in all, least
 * recently used first out; and at most {@code concurrent} matrices are computed at once — a request
 * that finds no free slot within {@code wait} gets 503 with {@code Retry-After}. Requests for a
 * snapshot already being computed wait for that computation instead of starting their own. Plan
 * comparisons, previews and version reads, predictions, snapshot diffs ({@link SnapshotDiffs}),
 * graphs, pair verdicts and exports take the same slots ({@link #inSlot}).
 */
@ApplicationScoped
public class P2pMatrices {

  /**
   * The JSON of {@code /p2p}: {@link CompactMatrix} with the snapshot it was computed from.
   *
   * @param snapshotId the host's latest snapshot when the answer was computed
   * @param devices the matrix devices
   * @param verdicts the distinct verdicts (bandwidths in GB/s per direction)
   * @param pairs per pair (i, j), i &lt; j, row by row, the index of its verdict
   * @param layout the rows and columns as {@code nvidia-smi topo -m} (and {@code topo}) prints
   *     them: labels, order, affinity columns; the page draws these and computes none
   */
  @org.eclipse.microprofile.openapi.annotations.media.Schema(name = "P2pMatrix")
  public record Answer(
      long snapshotId,
      List<Device> devices,
      List<CompactMatrix.Verdict> verdicts,
      int[] pairs,
      SmiLayout layout) {}

  /**
   * A cached outcome: the JSON gzip-coded (answered as a whole report is, and a tenth of the
   * memory), or null when the host had too many devices.
   */
  private record Entry(byte[] gzip, int devices) {
    long size() {
      return gzip == null ? 64 : gzip.length;
    }
  }

  /**
   * Computations one caller may have running or waiting at once; one more is a 429. As many as
   * whole answers ({@link WholeReports#PER_CALLER}): our own pages ask for several at once (the
   * history page two graphs and a diff), and fairness comes from the order of service ({@link
   * ComputationSlots}), not from this bound, which only keeps one caller's waiting threads few.
   */
  static final int PER_CALLER = 6;

  /**
   * How long the first in line for a slot waits on past {@code wait} ({@link ComputationSlots}).
   */
  static final long HEAD_WAIT_MILLIS = 30_000;

  // A waiter gives up after this long even if the computation it waits for is still running.
  private static final long AWAIT_SECONDS = 60;

  private final int maxDevices;
  private final Duration wait;
  private final ComputationSlots heavy;
  private final Supplier<String> callerKey;
  private final ObjectMapper mapper;
  private final SharedLru<Long, Entry> answers;

  @Inject
  P2pMatrices(
      FabricscopeConfig config, ObjectMapper mapper, Access access, CurrentVertxRequest current) {
    this(
        config.p2p().maxDevices(),
        config.p2p().concurrent(),
        config.p2p().slotWait(),
        config.p2p().cacheBytes(),
        config.p2p().cacheEntries(),
        mapper,
        () -> callerKey(access, current));
  }

  /** Matrices whose every computation is the server's own (one caller): for tests. */
  P2pMatrices(
      int maxDevices,
      int concurrent,
      Duration wait,
      long cacheBytes,
      int cacheEntries,
      ObjectMapper mapper) {
    this(maxDevices, concurrent, wait, cacheBytes, cacheEntries, mapper, () -> "server");
  }

  P2pMatrices(
      int maxDevices,
      int concurrent,
      Duration wait,
      long cacheBytes,
      int cacheEntries,
      ObjectMapper mapper,
      Supplier<String> callerKey) {
    this.maxDevices = maxDevices;
    this.wait = wait;
    this.heavy = new ComputationSlots(concurrent, PER_CALLER, HEAD_WAIT_MILLIS);
    this.callerKey = callerKey;
    this.mapper = mapper;
    this.answers =
        new SharedLru<>(
            cacheEntries,
            cacheBytes,
            Entry::size,
            AWAIT_SECONDS,
            P2pMatrices::busy,
            ComputationSlots::refused);
  }

  /** The most matrix devices a host may have for {@code /p2p} to answer. */
  public int maxDevices() {
    return maxDevices;
  }

  /** The slots for computations; package-private so tests can hold them. */
  ComputationSlots slots() {
    return heavy;
  }

  /**
   * Who asks, as whole answers count callers ({@link dev.fabricscope.security.Caller#quotaKey}):
   * its token, person or address; {@code "server"} for work outside a request.
   */
  private static String callerKey(Access access, CurrentVertxRequest current) {
    if (!io.quarkus.arc.Arc.container().requestContext().isActive()) {
      return "server";
    }
    RoutingContext rc = current.getCurrent();
    if (rc == null) {
      return "server";
    }
    return access.caller(rc.request()).quotaKey(Access.remoteAddress(rc.request()));
  }

  /**
   * Runs other work on whole reports in one of the matrices' slots, so all of it together runs at
   * most {@code concurrent} at once: a plan comparison ({@code GET /plans/{id}/compare}: two
   * matrices of up to {@code max-devices} each), a snapshot diff, a plan preview, the parse and
   * edit of a plan version, a prediction, a host's graph, pair verdict or export.
   *
   * @throws ApiException 429 when the caller already has {@link #PER_CALLER} computations running
   *     or waiting; 503 when no slot comes to it within {@code wait} ({@link ComputationSlots})
   */
  public <T> T inSlot(Supplier<T> work) {
    String key = callerKey.get();
    heavy.take(key, wait.toMillis());
    try {
      return work.get();
    } finally {
      heavy.release(key);
    }
  }

  /**
   * Whether {@code e} is {@link #inSlot}'s refusal of its caller (429 or 503 before any work): that
   * caller's own, not shared with others waiting for the same cached answer.
   */
  public static boolean slotRefused(RuntimeException e) {
    return ComputationSlots.refused(e);
  }

  /** Cached answers now; for tests. */
  int cached() {
    return answers.size();
  }

  /**
   * The compact matrix JSON of a snapshot, gzip-coded ({@link WholeReports} answers it).
   *
   * @param reportJson reads the snapshot's report JSON; called only when the answer is not cached
   * @throws ApiException 422 for too many devices, 503 when no computation slot is free in time
   */
  public byte[] gzip(long snapshotId, Supplier<String> reportJson) {
    Entry e = answers.get(snapshotId, () -> inSlot(() -> build(snapshotId, reportJson.get())));
    if (e.gzip() == null) {
      throw tooMany(e.devices());
    }
    return e.gzip();
  }

  private Entry build(long snapshotId, String reportJson) {
    Report report = HostSnapshots.read(reportJson);
    P2pAnalyzer analyzer = new P2pAnalyzer(report);
    // Counting devices is linear; refusing here keeps an oversized host from costing n² work.
    int n = analyzer.devices().size();
    if (n > maxDevices) {
      return new Entry(null, n);
    }
    CompactMatrix m = CompactMatrix.of(analyzer);
    try {
      return new Entry(
          GzipJson.compress(
              mapper.writeValueAsBytes(
                  new Answer(
                      snapshotId,
                      m.devices(),
                      m.verdicts(),
                      m.pairs(),
                      SmiLayout.of(report, m.devices())))),
          n);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
  }

  private ApiException tooMany(int devices) {
    return new ApiException(
        422,
        "Matrix too large",
        "this host has "
            + devices
            + " matrix devices; /p2p answers hosts of up to "
            + maxDevices
            + " (fabricscope.p2p.max-devices); ask /paths?a=&b= for single pairs");
  }

  private static ApiException busy() {
    return new ApiException(
        503,
        "Service unavailable",
        "too many matrices, graphs, plans or exports are being computed; retry shortly");
  }
}
