package dev.fabricscope.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.security.ApiException;
import dev.fabricscope.topology.TopologyDiff;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
  private final long maxBytes;
  private final LinkedHashMap<Key, byte[]> cache = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<Key, CompletableFuture<byte[]>> inFlight = new HashMap<>();
  private final AtomicInteger computed = new AtomicInteger();
  private long cachedBytes;

  @Inject
  SnapshotDiffs(P2pMatrices matrices, ObjectMapper mapper) {
    this(matrices, mapper, BYTES);
  }

  SnapshotDiffs(P2pMatrices matrices, ObjectMapper mapper, long maxBytes) {
    this.matrices = matrices;
    this.mapper = mapper;
    this.maxBytes = maxBytes;
  }

  /**
   * The diff's JSON ({@link TopologyDiff.Diff}) from snapshot {@code fromId} to {@code toId}.
   *
   * @param reportJson reads a snapshot's report JSON; called only when the diff is not cached
   * @throws ApiException 503 when no slot is free in time
   */
  public byte[] json(long fromId, long toId, LongFunction<String> reportJson) {
    Key key = new Key(fromId, toId);
    CompletableFuture<byte[]> f;
    synchronized (this) {
      byte[] cached = cache.get(key);
      if (cached != null) {
        return cached;
      }
      f = inFlight.get(key);
      if (f == null) {
        inFlight.put(key, new CompletableFuture<>());
      }
    }
    return f == null ? compute(key, reportJson) : await(f);
  }

  /** Diffs computed so far (each a read and parse of two snapshots); for tests. */
  int computed() {
    return computed.get();
  }

  /** Cached diffs now; for tests. */
  synchronized int cached() {
    return cache.size();
  }

  /** Bytes of the cached diffs now; for tests. */
  synchronized long cachedBytes() {
    return cachedBytes;
  }

  private byte[] compute(Key key, LongFunction<String> reportJson) {
    byte[] json = null;
    RuntimeException failure = null;
    try {
      // the snapshots are read in the slot too: each is a whole report, up to 16 MiB
      json =
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
              });
    } catch (RuntimeException ex) {
      failure = ex;
    }
    CompletableFuture<byte[]> f;
    synchronized (this) {
      f = inFlight.remove(key);
      if (json != null) {
        put(key, json);
      }
    }
    if (failure != null) {
      f.completeExceptionally(failure);
      throw failure;
    }
    f.complete(json);
    return json;
  }

  private void put(Key key, byte[] json) {
    if (json.length > maxBytes) {
      return;
    }
    byte[] old = cache.put(key, json);
    cachedBytes += json.length - (old == null ? 0 : old.length);
    Iterator<byte[]> it = cache.values().iterator();
    while ((cache.size() > ENTRIES || cachedBytes > maxBytes) && it.hasNext()) {
      cachedBytes -= it.next().length;
      it.remove();
    }
  }

  private static byte[] await(CompletableFuture<byte[]> f) {
    try {
      return f.get(AWAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw busy();
    } catch (TimeoutException ex) {
      throw busy();
    } catch (ExecutionException ex) {
      throw ex.getCause() instanceof RuntimeException r ? r : new IllegalStateException(ex);
    }
  }

  private static ApiException busy() {
    return new ApiException(
        503, "Service unavailable", "too many diffs are being computed; retry shortly");
  }
}
