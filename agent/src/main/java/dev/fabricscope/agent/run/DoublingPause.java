package dev.fabricscope.agent.run;

import java.time.Duration;

/**
 * The pauses the job loop owes after polls that came to nothing ({@link Refusals}, {@link
 * EmptyPolls}): the backoff's base, then twice as long for each further one up to its cap, without
 * jitter so that a pause is never shorter than the base; back to the base after {@link #reset()}.
 */
final class DoublingPause {

  private final Backoff ceilings;
  private int count;

  /** Pauses of {@code backoff}'s base doubling up to its cap (only its bounds are used). */
  DoublingPause(Backoff backoff) {
    this.ceilings = backoff;
  }

  /** The next pause, counted. */
  synchronized Duration next() {
    long millis = ceilings.ceilingMillis(count);
    if (count < 62) {
      count++;
    }
    return Duration.ofMillis(millis);
  }

  /** The next pause is the base again. */
  synchronized void reset() {
    count = 0;
  }
}
