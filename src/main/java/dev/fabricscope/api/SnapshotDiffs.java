package dev.fabricscope.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.concurrent.SharedLru;
import dev.fabricscope.security.ApiException;
import dev.fabricscope.topology.TopologyDiff;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;

/**
 * The answers of {@code GET /api/v1/hosts/{host}/diff}. A diff reads and parses two whole
 * snapshots: a review measured 1.6-2.3 s of CPU for two 13.9 MB reports, and twelve at once took
 * both cores for 23 s. So a diff is computed in one of {@link P2pMatrices}' slots (the same bound
 * as {@code /p2p} and plan comparisons: 503 with {@code Retry-After} when none frees in time), and
 * its JSON is cached by its two snapshot ids, which never change, least recently used first out
 * ({@value #ENTRIES} answers, {@value #BYTES} bytes in all). Requests for a diff being computed
 * wait for it.
 */
@ApplicationScoped
public class SnapshotDiffs {

  static final int ENTRIES = 32;
  static final long BYTES = 32L << 20;

  // A waiter gives up after this long even if the computation it waits for is still running.
  private static final long AWAIT_SECONDS = 60;

  private record Key(long from, long to) {}

  private final P2pMatrices matrices;
  private final ObjectMapper mapper;
  private final SharedLru<Key, byte[]> diffs;
  private final AtomicInteger computed = new AtomicInteger();

  @Inject
  SnapshotDiffs(P2pMatrices matrices, ObjectMapper mapper) {
    this(matrices, mapper, BYTES);
  }

  SnapshotDiffs(P2pMatrices matrices, ObjectMapper mapper, long maxBytes) {
    this.matrices = matrices;
    this.mapper = mapper;
    this.diffs =
        new SharedLru<>(
            ENTRIES,
            maxBytes,
            json -> json.length,
            AWAIT_SECONDS,
            SnapshotDiffs::busy,
            ComputationSlots::refused);
  }

  /**
   * The diff's JSON ({@link TopologyDiff.Diff}) from snapshot {@code fromId} to {@code toId}.
   *
   * @param reportJson reads a snapshot's report JSON; called only when the diff is not cached
   * @throws ApiException 503 when no slot is free in time
   */
  public byte[] json(long fromId, long toId, LongFunction<String> reportJson) {
    Key key = new Key(fromId, toId);
    // the snapshots are read in the slot too: each is a whole report, up to 16 MiB
    return diffs.get(
        key,
        () ->
            matrices.inSlot(
                () -> {
                  computed.incrementAndGet();
                  TopologyDiff.Diff d =
                      TopologyDiff.between(
                          HostSnapshots.read(reportJson.apply(key.from())),
                          HostSnapshots.read(reportJson.apply(key.to())));
                  try {
                    return mapper.writeValueAsBytes(d);
                  } catch (JsonProcessingException ex) {
                    throw new IllegalStateException(ex);
                  }
                }));
  }

  /** Diffs computed so far (each a read and parse of two snapshots); for tests. */
  int computed() {
    return computed.get();
  }

  /** Cached diffs now; for tests. */
  int cached() {
    return diffs.size();
  }

  /** Bytes of the cached diffs now; for tests. */
  long cachedBytes() {
    return diffs.bytes();
  }

  private static ApiException busy() {
    return new ApiException(
        503, "Service unavailable", "too many diffs are being computed; retry shortly");
  }
}
