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
  private final int concurrent;
  private final Duration wait;

  @Inject
  ImportSlots(FabricscopeConfig config) {
    this(config.imports().concurrent(), config.imports().slotWait());
  }

  ImportSlots(int concurrent, Duration wait) {
    this.slots = new Semaphore(concurrent, true);
    this.concurrent = concurrent;
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
    return take(1);
  }

  /**
   * Takes every slot, waiting at most the configured time: for the parses that need the most heap
   * (an ibnetdiscover upload of up to 16 MiB is about 100 MB while parsed), which then run one at a
   * time and beside no other import. Two at once had peaked at 504 of a 512 MiB heap.
   *
   * @throws ApiException 503 when they did not all come free in time
   */
  public Slot takeAll() {
    return take(concurrent);
  }

  private Slot take(int permits) {
    try {
      if (!slots.tryAcquire(permits, wait.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new ApiException(
            503, "Service unavailable", "too many imports are being read at once; retry shortly");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(503, "Service unavailable", "the import was interrupted; retry");
    }
    return () -> slots.release(permits);
  }

  /** The semaphore itself, for tests that hold every slot. */
  Semaphore slots() {
    return slots;
  }
}
