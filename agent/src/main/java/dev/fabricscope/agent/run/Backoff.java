package dev.fabricscope.agent.run;

import java.time.Duration;
import java.util.Random;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter: the n-th consecutive failure waits a uniformly random time
 * in {@code [0, min(cap, base * 2^n))}. Full jitter (rather than a fixed doubling) matters for a
 * fleet: when the server comes back after an outage, thousands of agents would otherwise retry in
 * lock step and knock it over again. {@link #reset()} after every success. Not thread-safe.
 */
public final class Backoff {

  private final long baseMillis;
  private final long capMillis;
  private final DoubleSupplier random;
  private int failures;

  /** A backoff with a real random source. */
  public Backoff(Duration base, Duration cap) {
    this(base, cap, new Random()::nextDouble);
  }

  /**
   * A backoff with a chosen random source (tests).
   *
   * @param random values in {@code [0, 1)}
   */
  public Backoff(Duration base, Duration cap, DoubleSupplier random) {
    if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
      throw new IllegalArgumentException("need 0 < base <= cap: " + base + ", " + cap);
    }
    this.baseMillis = base.toMillis();
    this.capMillis = cap.toMillis();
    this.random = random;
  }

  /** The delay before the next attempt; counts one more failure. */
  public Duration next() {
    long ceiling = ceilingMillis(failures);
    if (failures < Integer.MAX_VALUE) {
      failures++;
    }
    return Duration.ofMillis((long) (random.getAsDouble() * ceiling));
  }

  /** The upper bound of the delay after {@code failures} failures: {@code min(cap, base*2^n)}. */
  long ceilingMillis(int failures) {
    // shift only while it cannot overflow; beyond that the cap holds anyway
    if (failures >= 62 || baseMillis > (capMillis >> Math.min(failures, 62))) {
      return capMillis;
    }
    return Math.min(capMillis, baseMillis << failures);
  }

  /** Consecutive failures so far. */
  public int failures() {
    return failures;
  }

  /** Back to the base delay, after a success. */
  public void reset() {
    failures = 0;
  }
}
