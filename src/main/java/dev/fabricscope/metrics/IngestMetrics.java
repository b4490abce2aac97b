package dev.fabricscope.metrics;

import dev.fabricscope.inventory.InventoryStore.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The ingest series: {@code fabricscope_reports_received_total}, {@code
 * fabricscope_reports_rejected_total}, {@code fabricscope_reports_stored_total{outcome}}, {@code
 * fabricscope_snapshots_pruned_total} and the {@code fabricscope_ingest_seconds} histogram. Created
 * at start ({@link Startup}), so every series is scraped as 0 before the first report instead of
 * appearing with it, which rate() and alerts on absent series need.
 */
@Startup
@Singleton
public class IngestMetrics {

  /**
   * Bucket bounds of the ingest histogram. An unchanged report answered from memory takes tens of
   * microseconds, a new 2,000-function report tens of milliseconds, a report waiting for the
   * database under load up to seconds: explicit bounds over that range, instead of the ~70 buckets
   * of a percentile histogram.
   */
  static final Duration[] BUCKETS = {
    Duration.ofNanos(100_000),
    Duration.ofNanos(250_000),
    Duration.ofNanos(500_000),
    Duration.ofMillis(1),
    Duration.ofNanos(2_500_000),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2_500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10)
  };

  private final Counter received;
  private final Counter rejected;
  private final Map<Outcome, Counter> stored = new EnumMap<>(Outcome.class);
  private final Counter pruned;
  private final Counter throttled;
  private final Timer ingest;

  @Inject
  IngestMetrics(MeterRegistry registry) {
    received =
        Counter.builder("fabricscope.reports.received")
            .description("Reports sent by agents (POST /api/v1/reports), before any check")
            .register(registry);
    rejected =
        Counter.builder("fabricscope.reports.rejected")
            .description("Reports refused (schema, semantic checks, host name, authorization)")
            .register(registry);
    for (Outcome o : Outcome.values()) {
      stored.put(
          o,
          Counter.builder("fabricscope.reports.stored")
              .tag("outcome", o.name().toLowerCase(Locale.ROOT))
              .description(
                  "Reports accepted: created = a new snapshot, unchanged = only last-seen moved")
              .register(registry));
    }
    pruned =
        Counter.builder("fabricscope.snapshots.pruned")
            .description(
                "Old snapshots removed to keep a host's history within fabricscope.history.*")
            .register(registry);
    throttled =
        Counter.builder("fabricscope.reports.throttled")
            .description(
                "Reports refused with 429: their host sent more that needed parsing than"
                    + " fabricscope.ingest.parsed-* allow")
            .register(registry);
    ingest =
        Timer.builder("fabricscope.ingest")
            .description("Time to handle one agent report, from receipt to the answer")
            .serviceLevelObjectives(BUCKETS)
            .register(registry);
  }

  /** A report arrived. */
  public void received() {
    received.increment();
  }

  /** A report was refused. */
  public void rejected() {
    rejected.increment();
  }

  /** A report was stored with this outcome. */
  public void stored(Outcome outcome) {
    stored.get(outcome).increment();
  }

  /** History retention removed {@code n} old snapshots. */
  public void pruned(int n) {
    if (n > 0) {
      pruned.increment(n);
    }
  }

  /** A report was refused by the per-host rate of reports that need parsing. */
  public void throttled() {
    throttled.increment();
  }

  /** The ingest timer. */
  public Timer ingest() {
    return ingest;
  }
}
