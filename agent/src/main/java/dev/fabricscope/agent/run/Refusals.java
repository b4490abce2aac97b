package dev.fabricscope.agent.run;

import java.time.Duration;

/**
 * Paces the job loop after assignments that came to nothing: one it refused (unknown kind, a check
 * that failed, no free side) and a side that ended in an error (the memory budget refused it, the
 * helper failed at once). Without it a server that answers every poll with such an assignment kept
 * the agent in a tight poll, refuse, event loop, about ten turns a second with a log line each
 * (eighth review, finding 5). The pause before the next poll is the loop's backoff ceiling, without
 * jitter so it is never shorter than the base (one second in the agent): the base, then twice as
 * long for each further refusal up to the cap, and back to the base once a side ran normally. A
 * valid assignment after valid ones is never delayed: nothing is owed then.
 */
final class Refusals {

  private final DoublingPause pauses;
  private boolean owed;

  /** Pauses of {@code backoff}'s base doubling up to its cap (only its bounds are used). */
  Refusals(Backoff backoff) {
    this.pauses = new DoublingPause(backoff);
  }

  /** An assignment was refused or its side failed: the next poll waits. */
  synchronized void refused() {
    owed = true;
  }

  /** A side ran normally: the next refusal waits the base again. */
  synchronized void ranNormally() {
    pauses.reset();
  }

  /** The pause owed before the next poll (zero when none), counted as taken. */
  synchronized Duration take() {
    if (!owed) {
      return Duration.ZERO;
    }
    owed = false;
    return pauses.next();
  }
}
