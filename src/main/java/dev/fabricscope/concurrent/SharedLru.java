package dev.fabricscope.concurrent;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * Values computed once per key and kept, least recently used first out, within a count and a byte
 * bound: for answers derived from snapshots, which never change (the {@code /p2p} matrices, the
 * host diffs). Callers asking for a key being computed wait for that computation instead of
 * starting their own, at most {@code awaitSeconds}; a failure fails them too and is not kept, so
 * the next call tries again. A failure that was the computing caller's own and came before any
 * computation ({@code callersOwn}: it was refused a slot by its caller's share) fails only that
 * caller: the waiters ask again, one of them computing under its own share (nineteenth security
 * review, finding 2: one caller's refused requests failed every other caller of the same key).
 *
 * @param <K> the key (snapshot ids)
 * @param <V> the value kept
 */
public final class SharedLru<K, V> {

  private final int entries;
  private final long bytes;
  private final ToLongFunction<V> size;
  private final long awaitSeconds;
  private final Supplier<RuntimeException> busy;
  private final Predicate<RuntimeException> callersOwn;
  private final LinkedHashMap<K, V> cache = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<K, CompletableFuture<V>> inFlight = new HashMap<>();
  private long cachedBytes;

  /**
   * @param entries values kept at most
   * @param bytes bytes of values kept at most ({@code size} of each); a larger value is not kept
   * @param size a value's bytes
   * @param awaitSeconds how long a caller waits for another's computation before {@code busy}
   * @param busy what a caller that waited too long (or was interrupted) throws
   */
  public SharedLru(
      int entries,
      long bytes,
      ToLongFunction<V> size,
      long awaitSeconds,
      Supplier<RuntimeException> busy) {
    this(entries, bytes, size, awaitSeconds, busy, e -> false);
  }

  /**
   * As the constructor above, with {@code callersOwn}: the failures of a computing caller that its
   * waiters do not share, but ask again after.
   */
  public SharedLru(
      int entries,
      long bytes,
      ToLongFunction<V> size,
      long awaitSeconds,
      Supplier<RuntimeException> busy,
      Predicate<RuntimeException> callersOwn) {
    this.entries = entries;
    this.bytes = bytes;
    this.size = size;
    this.awaitSeconds = awaitSeconds;
    this.busy = busy;
    this.callersOwn = callersOwn;
  }

  /** The value of {@code key}: kept, being computed by another caller, or computed here. */
  public V get(K key, Supplier<V> compute) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(awaitSeconds);
    while (true) {
      CompletableFuture<V> f;
      boolean mine = false;
      synchronized (this) {
        V kept = cache.get(key);
        if (kept != null) {
          return kept;
        }
        f = inFlight.get(key);
        if (f == null) {
          f = new CompletableFuture<>();
          inFlight.put(key, f);
          mine = true;
        }
      }
      if (mine) {
        return compute(key, compute, f);
      }
      Object value = await(f, deadline);
      if (value != ASK_AGAIN) {
        @SuppressWarnings("unchecked")
        V v = (V) value;
        return v;
      }
      // the computing caller was refused before it computed: ask again, under this caller's name
    }
  }

  private V compute(K key, Supplier<V> compute, CompletableFuture<V> f) {
    V value = null;
    RuntimeException failure = null;
    try {
      value = compute.get();
    } catch (RuntimeException ex) {
      failure = ex;
    }
    synchronized (this) {
      // a key removed while computing ({@link #removeIf}) is answered but not kept: its value may
      // be of something deleted meanwhile
      if (inFlight.get(key) == f) {
        inFlight.remove(key);
        if (value != null) {
          put(key, value);
        }
      }
    }
    if (failure != null) {
      f.completeExceptionally(failure);
      throw failure;
    }
    f.complete(value);
    return value;
  }

  /** What {@link #await} answers when the computing caller's failure was its own. */
  private static final Object ASK_AGAIN = new Object();

  /** The other caller's value; {@link #ASK_AGAIN} when its failure was its own. */
  private Object await(CompletableFuture<V> f, long deadline) {
    try {
      return f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw busy.get();
    } catch (TimeoutException ex) {
      throw busy.get();
    } catch (ExecutionException ex) {
      if (ex.getCause() instanceof RuntimeException r) {
        if (callersOwn.test(r)) {
          return ASK_AGAIN;
        }
        throw r;
      }
      throw new IllegalStateException(ex);
    }
  }

  private void put(K key, V value) {
    long n = size.applyAsLong(value);
    if (n > bytes) {
      return;
    }
    V old = cache.put(key, value);
    cachedBytes += n - (old == null ? 0 : size.applyAsLong(old));
    Iterator<V> it = cache.values().iterator();
    while ((cache.size() > entries || cachedBytes > bytes) && it.hasNext()) {
      cachedBytes -= size.applyAsLong(it.next());
      it.remove();
    }
  }

  /**
   * Removes the values of the keys {@code which} accepts, for values of something that is gone (a
   * deleted plan): they would otherwise stay until the bound pushed them out. Computations of such
   * keys under way still answer their callers, but their values are not kept.
   */
  public synchronized void removeIf(Predicate<K> which) {
    Iterator<Map.Entry<K, V>> it = cache.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<K, V> e = it.next();
      if (which.test(e.getKey())) {
        cachedBytes -= size.applyAsLong(e.getValue());
        it.remove();
      }
    }
    inFlight.keySet().removeIf(which);
  }

  /** Values kept now whose keys {@code which} accepts. */
  public synchronized int count(Predicate<K> which) {
    return (int) cache.keySet().stream().filter(which).count();
  }

  /** Values kept now. */
  public synchronized int size() {
    return cache.size();
  }

  /** Bytes of the values kept now. */
  public synchronized long bytes() {
    return cachedBytes;
  }
}
