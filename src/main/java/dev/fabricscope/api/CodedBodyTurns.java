package dev.fabricscope.api;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One coded body at a time per sender is decoded ({@link ContentDecoding}), the others of the same
 * sender waiting their turn, in order. A coded body's decoded size is known only as it decodes, so
 * concurrent ones grew their reservations side by side within the sender's share and a burst could
 * all end in 429 with none read (ninth review: 24 imports of 64 MiB each, one operator, all 429).
 * Taking turns, the first decodes within the share and the next finds what is left, as with plain
 * bodies, whose declared lengths are reserved whole before they are read. Senders do not wait for
 * each other.
 */
@ApplicationScoped
public class CodedBodyTurns {

  /** Longest a coded body waits for the sender's previous one to finish decoding. */
  static final Duration WAIT = Duration.ofSeconds(5);

  /** A sender's turn and how many of its bodies hold or wait for it (changed in compute only). */
  private static final class Turn {
    // a permit, not a lock: owned by no thread, and not taken twice by the same one
    final Semaphore permit = new Semaphore(1, true);
    int users;
  }

  private final ConcurrentHashMap<String, Turn> turns = new ConcurrentHashMap<>();

  /** A turn taken, given back when first closed. */
  interface Taken extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Waits up to {@link #WAIT} for {@code sender}'s turn.
   *
   * @return the turn, or null when the sender's earlier bodies still decode after the wait (or the
   *     thread was interrupted)
   */
  Taken take(String sender) {
    Turn t =
        turns.compute(
            sender,
            (k, v) -> {
              Turn u = v == null ? new Turn() : v;
              u.users++;
              return u;
            });
    boolean taken = false;
    try {
      taken = t.permit.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!taken) {
      leave(sender);
      return null;
    }
    AtomicBoolean given = new AtomicBoolean();
    return () -> {
      if (given.compareAndSet(false, true)) {
        t.permit.release();
        leave(sender);
      }
    };
  }

  /** Senders with a body decoding or waiting (tests: none once every exchange ended). */
  int senders() {
    return turns.size();
  }

  private void leave(String sender) {
    turns.compute(sender, (k, v) -> --v.users == 0 ? null : v);
  }
}
