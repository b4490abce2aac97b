package dev.fabricscope.agent.run;

import java.time.Duration;

/**
 * Paces the job loop after polls answered "no work" (204) sooner than a long poll waits. The server
 * holds a poll for the wait it was asked ({@link JobLoop#WAIT_SECONDS}) and answers 204 only when
 * that ran out, so a 204 within {@link #QUICK} means something else answered: a proxy that does not
 * hold long polls, or a hostile server. Without a pause the agent polled again at once, hundreds of
 * times a second (the last note's open point). The pause is the loop's backoff ceiling, without
 * jitter so it is never shorter than the base: the base (one second in the agent), then twice as
 * long for each further quick 204 up to the cap, and nothing again once a poll was held or brought
 * work.
 */
final class EmptyPolls {

  /** A 204 sooner than this after the poll began was not a held long poll. */
  static final Duration QUICK = Duration.ofSeconds(1);

  private final DoublingPause pauses;

  /** Pauses of {@code backoff}'s base doubling up to its cap (only its bounds are used). */
  EmptyPolls(Backoff backoff) {
    this.pauses = new DoublingPause(backoff);
  }

  /**
   * The pause owed before the next poll after a 204 that came {@code took} after the poll began:
   * zero for a held poll.
   */
  Duration after(Duration took) {
    if (took.compareTo(QUICK) >= 0) {
      pauses.reset();
      return Duration.ZERO;
    }
    return pauses.next();
  }

  /** A poll brought work: the next quick 204 waits the base again. */
  void reset() {
    pauses.reset();
  }
}
