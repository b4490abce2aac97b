package dev.fabricscope.events;

import dev.fabricscope.config.FabricscopeConfig;
import dev.fabricscope.security.ApiException;
import dev.fabricscope.security.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many event streams are open, per caller and in all ({@code fabricscope.events.*}). Each open
 * stream holds a connection and re-reads its token every few seconds; a review opened 1,500 with
 * one viewer token. A caller is its token, its sign-on session, or (anonymous reads) its address. A
 * stream past either limit is refused with 429 and {@code Retry-After} before it opens.
 */
@ApplicationScoped
public class EventStreamSlots {

  private final int perCaller;
  private final int total;
  private final ConcurrentHashMap<String, AtomicInteger> open = new ConcurrentHashMap<>();
  private final AtomicInteger all = new AtomicInteger();

  @Inject
  EventStreamSlots(FabricscopeConfig config) {
    this(config.events().maxStreamsPerCaller(), config.events().maxStreams());
  }

  EventStreamSlots(int perCaller, int total) {
    this.perCaller = perCaller;
    this.total = total;
  }

  /** An open stream's place, given back once when the stream ends. */
  public interface Slot {
    void release();
  }

  /**
   * Takes a place for a stream of {@code caller} (from {@code address} when anonymous).
   *
   * @throws ApiException 429 when the caller or the server has as many streams open as allowed
   */
  public Slot take(Caller caller, String address) {
    String key = caller.quotaKey(address);
    if (all.incrementAndGet() > total) {
      all.decrementAndGet();
      throw new ApiException(
          429, "Too many requests", "the server has " + total + " event streams open; retry later");
    }
    boolean[] taken = {false};
    open.compute(
        key,
        (k, n) -> {
          AtomicInteger count = n == null ? new AtomicInteger() : n;
          if (count.get() < perCaller) {
            count.incrementAndGet();
            taken[0] = true;
          }
          return count.get() == 0 ? null : count;
        });
    if (!taken[0]) {
      all.decrementAndGet();
      throw new ApiException(
          429,
          "Too many requests",
          "this caller has "
              + perCaller
              + " event streams open (fabricscope.events.max-streams-per-caller); close one");
    }
    java.util.concurrent.atomic.AtomicBoolean released =
        new java.util.concurrent.atomic.AtomicBoolean();
    return () -> {
      if (released.compareAndSet(false, true)) {
        open.computeIfPresent(key, (k, n) -> n.decrementAndGet() == 0 ? null : n);
        all.decrementAndGet();
      }
    };
  }

  /** Streams open now, in all. */
  public int openStreams() {
    return all.get();
  }
}
