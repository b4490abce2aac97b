package dev.fabricscope.api;

import dev.fabricscope.config.FabricscopeConfig;
import dev.fabricscope.security.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * How many imports run at once ({@code fabricscope.imports.concurrent}): an import that finds no
 * free slot within {@code fabricscope.imports.wait} gets 503 with {@code Retry-After}, so a burst
 * of large uploads queues briefly and is then refused instead of holding the heap.
 */
@ApplicationScoped
public class ImportSlots {

  private final Semaphore slots;
  private final Duration wait;

  @Inject
  ImportSlots(FabricscopeConfig config) {
    this(config.imports().concurrent(), config.imports().slotWait());
  }

  ImportSlots(int concurrent, Duration wait) {
    this.slots = new Semaphore(concurrent, true);
    this.wait = wait;
  }

  /** A held slot, released when closed. */
  public interface Slot extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Takes a slot, waiting at most the configured time.
   *
   * @throws ApiException 503 when none came free in time
   */
  public Slot take() {
    try {
      if (!slots.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new ApiException(
            503, "Service unavailable", "too many imports are being read at once; retry shortly");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(503, "Service unavailable", "the import was interrupted; retry");
    }
    return slots::release;
  }

  /** The semaphore itself, for tests that hold every slot. */
  Semaphore slots() {
    return slots;
  }
}
