package dev.fabricscope.api;

import dev.fabricscope.config.FabricscopeConfig;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes of request bodies being read at once, all writes together ({@code
 * fabricscope.request-body-budget}; unset, an eighth of the heap): a body is read only once its
 * bytes (declared, or its endpoint's limit when it declares none) fit, so bodies alone cannot run
 * the heap out ({@link RequestBodyGate}). Each sender (a token, a signed-on person, an anonymous
 * reader's address) holds at most its share of it ({@link RequestBodyGate#shareOf}), so one token
 * cannot hold the whole budget with slow uploads (seventh security review: nine trickled uploads of
 * one viewer token held it all, and every agent's report was a 503 for as long as they lasted).
 */
@ApplicationScoped
public class BodyBudget {

  @Inject FabricscopeConfig config;

  private long capacity;
  private final AtomicLong inUse = new AtomicLong();
  private final ConcurrentHashMap<String, Long> held = new ConcurrentHashMap<>();

  /** What {@link #take(String, long, long)} found. */
  enum Taken {
    /** Reserved. */
    TAKEN,
    /** The sender already holds its share: nothing reserved. */
    SENDER_FULL,
    /** The budget is full: nothing reserved. */
    FULL
  }

  @PostConstruct
  void init() {
    setCapacity(config.requestBodyBudget().orElse(Runtime.getRuntime().maxMemory() / 8));
  }

  /** Sets the budget (bytes; tests set it directly). */
  void setCapacity(long bytes) {
    capacity = bytes;
  }

  /** The budget in bytes. */
  public long capacity() {
    return capacity;
  }

  /** Bytes reserved now. */
  public long inUse() {
    return inUse.get();
  }

  /**
   * Reserves {@code bytes}; false (nothing reserved) when they do not fit beside the bodies being
   * read. A body larger than the whole budget is let through when nothing else is being read, so a
   * budget set below an endpoint's limit slows that endpoint down but does not close it.
   */
  boolean take(long bytes) {
    while (true) {
      long now = inUse.get();
      if (now > 0 && now + bytes > capacity) {
        return false;
      }
      if (inUse.compareAndSet(now, now + bytes)) {
        return true;
      }
    }
  }

  /** Gives back what {@link #take(long)} reserved. */
  void give(long bytes) {
    inUse.addAndGet(-bytes);
  }

  /**
   * Reserves {@code bytes} for {@code sender} within its {@code share} and within the budget. As
   * with the budget, one body larger than the share goes when the sender holds nothing else.
   */
  Taken take(String sender, long bytes, long share) {
    boolean[] fits = {false};
    held.compute(
        sender,
        (k, now) -> {
          long before = now == null ? 0 : now;
          if (before > 0 && before + bytes > share) {
            return now;
          }
          fits[0] = true;
          return before + bytes;
        });
    if (!fits[0]) {
      return Taken.SENDER_FULL;
    }
    if (!take(bytes)) {
      release(sender, bytes);
      return Taken.FULL;
    }
    return Taken.TAKEN;
  }

  /** Gives back what {@link #take(String, long, long)} reserved. */
  void give(String sender, long bytes) {
    give(bytes);
    release(sender, bytes);
  }

  /** Bytes {@code sender} holds now. */
  long heldBy(String sender) {
    return held.getOrDefault(sender, 0L);
  }

  private void release(String sender, long bytes) {
    held.computeIfPresent(sender, (k, now) -> now - bytes > 0 ? now - bytes : null);
  }
}
