package dev.fabricscope.api;

import dev.fabricscope.config.FabricscopeConfig;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes of request bodies being read at once, all writes together ({@code
 * fabricscope.request-body-budget}; unset, an eighth of the heap): a body is read only once its
 * bytes (declared, or its endpoint's limit when it declares none) fit, so bodies alone cannot run
 * the heap out ({@link RequestBodyGate}).
 */
@ApplicationScoped
public class BodyBudget {

  @Inject FabricscopeConfig config;

  private long capacity;
  private final AtomicLong inUse = new AtomicLong();

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

  /** Gives back what {@link #take} reserved. */
  void give(long bytes) {
    inUse.addAndGet(-bytes);
  }
}
