package dev.fabricscope.ingest;

import dev.fabricscope.config.FabricscopeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many reports one host may send that cost a parse: reports that are not its known content
 * (changed, or refused by the checks), as a token bucket per host ({@code
 * fabricscope.ingest.parsed-burst-per-host} at once, refilled at {@code
 * parsed-per-minute-per-host}). Unchanged reports and heartbeats are answered from memory and never
 * count. Retention bounds what a hostile agent token adds to the disk; this bounds the CPU it takes
 * (a changed report of 300 functions costs about 3 ms of server CPU, so one token in a closed loop
 * took the ingest threads from every other agent). A real agent sends a changed report when its
 * host changed, at most once per report interval, and resends refused ones from its spool after
 * {@code Retry-After}. Counted per server replica.
 */
@ApplicationScoped
public class ReportRate {

  /** Above this many hosts, the full buckets (which say nothing) are dropped. */
  static final int PRUNE_ABOVE = 10_000;

  /** Nanoseconds per place at the steady rate (rounded up: never faster than the setting). */
  private final long interval;

  /** How far ahead of now a host's schedule may run: the burst, less the place it takes now. */
  private final long tolerance;

  /**
   * Per host, when its bucket is full again (the "theoretical arrival time" of the generic cell
   * rate algorithm, a token bucket in one number): whole nanoseconds, so a wait it names is always
   * enough.
   */
  private final ConcurrentHashMap<String, Long> fullAt = new ConcurrentHashMap<>();

  @Inject
  ReportRate(FabricscopeConfig config) {
    this(config.ingest().parsedBurstPerHost(), config.ingest().parsedPerMinutePerHost());
  }

  /**
   * A bucket of its own: {@code burst} places at once, refilled at {@code perMinute} (each ≥ 1);
   * also how many bandwidth tests one caller may create.
   */
  public static ReportRate of(int burst, int perMinute) {
    return new ReportRate(burst, perMinute);
  }

  ReportRate(int burst, int perMinute) {
    this.interval = (60_000_000_000L + perMinute - 1) / perMinute;
    // a burst so large it overflows is no limit: a quarter of the long range is ~73 years ahead
    long product = Math.multiplyHigh(burst - 1L, interval) == 0 ? (burst - 1L) * interval : -1;
    this.tolerance = product < 0 || product > Long.MAX_VALUE / 4 ? Long.MAX_VALUE / 4 : product;
  }

  /**
   * Takes one report's place for {@code key} (a host, or a caller that is not bound to one).
   *
   * @return 0 when taken; else the nanoseconds until the next place frees (nothing taken)
   */
  public long take(String key, long nowNanos) {
    long[] wait = {0};
    fullAt.compute(
        key,
        (k, at) -> {
          long from = at == null || at - nowNanos < 0 ? nowNanos : at;
          long ahead = from - nowNanos;
          if (ahead > tolerance) {
            wait[0] = ahead - tolerance;
            return at;
          }
          return from + interval;
        });
    if (fullAt.size() > PRUNE_ABOVE) {
      fullAt.values().removeIf(at -> at - nowNanos <= 0);
    }
    return wait[0];
  }

  /** A wait {@link #take} named, as the whole seconds of a {@code Retry-After} (at least 1). */
  public static long retryAfterSeconds(long waitNanos) {
    return Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
  }

  /** Buckets held (tests). */
  int size() {
    return fullAt.size();
  }
}
