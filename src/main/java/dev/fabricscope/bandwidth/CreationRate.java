package dev.fabricscope.bandwidth;

import dev.fabricscope.ingest.ReportRate;
import dev.fabricscope.security.ApiException;
import dev.fabricscope.security.Caller;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * How many bandwidth tests one caller may create ({@code fabricscope.bandwidth.created-burst-per-
 * caller} at once, refilled at {@code created-per-minute-per-caller}): with the active limit alone,
 * creating and cancelling in a loop stored 886 tests a second (twelfth security review). Counted
 * per server replica.
 */
@ApplicationScoped
public class CreationRate {

  @Inject BandwidthSettings settings;

  private ReportRate places;

  @PostConstruct
  void init() {
    places = ReportRate.of(settings.createdBurstPerCaller(), settings.createdPerMinutePerCaller());
  }

  /**
   * Takes one of the caller's places; a 429 with Retry-After when none is free. Called only for a
   * test that passed every check, so refused requests never use up a caller's places.
   */
  void take(Caller caller) {
    long waitNanos = places.take(caller.name(), System.nanoTime());
    if (waitNanos > 0) {
      long seconds = ReportRate.retryAfterSeconds(waitNanos);
      throw new ApiException(
          429,
          "Too many requests",
          caller.name()
              + " created more tests than fabricscope.bandwidth.created-burst-per-caller and"
              + " created-per-minute-per-caller allow; create the next one after "
              + seconds
              + " s",
          seconds);
    }
  }
}
