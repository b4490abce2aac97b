package dev.fabricscope.config;

import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * {@code fabricscope.bandwidth.*}: how bandwidth tests are judged and how long their jobs may wait
 * and run. A group of {@link FabricscopeConfig} in a file of its own, as {@link
 * BandwidthEfficiency} is, since it is the largest.
 */
public interface BandwidthConfig {
  /** Shares of a link's raw rate that healthy transfers reach. */
  BandwidthEfficiency efficiency();

  /** A measurement at or above this share of the expected value passes (0 < ratio ≤ 1.5). */
  @WithDefault("0.90")
  double passRatio();

  /** A measurement at or above this share (and below pass) warns; below it fails (≤ pass). */
  @WithDefault("0.75")
  double warnRatio();

  /** How long a queued job waits for its agent(s) to pick it up (duration). */
  @WithDefault("1h")
  Duration queueTimeout();

  /**
   * Tests one caller (token or signed-on person, by name) may have queued or running at once (≥ 1);
   * one more is a 429.
   */
  @WithDefault("16")
  int maxActivePerCaller();

  /**
   * Tests one caller may create in a burst (≥ 1), refilled at {@link #createdPerMinutePerCaller}:
   * with the active limit alone, creating and cancelling in a loop wrote 886 tests a second.
   */
  @WithDefault("100")
  int createdBurstPerCaller();

  /** Tests one caller may create per minute in the long run (≥ 1); more is a 429. */
  @WithDefault("600")
  int createdPerMinutePerCaller();

  /**
   * Finished tests kept per source host (≥ 1): older ones are deleted when the host's next test is
   * created, except the host-memcpy baselines expectations and the planner read.
   */
  @WithDefault("1000")
  int keptPerHost();

  /** Newest finished tests per source host that keep their raw helper output (≥ 0). */
  @WithDefault("100")
  int rawOutputsPerHost();

  /** How long a two-host test's target has to report its listener ready (duration). */
  @WithDefault("60s")
  Duration listenTimeout();

  /** How long a run of fixed repetitions may take once taken (duration). */
  @WithDefault("5m")
  Duration runTimeout();

  /** Added to a timed run's own duration for its deadline (duration). */
  @WithDefault("60s")
  Duration runSlack();

  /**
   * Cap on any run's deadline; at least the longest run duration plus {@code run-slack}, and at
   * least {@code run-timeout} (duration).
   */
  @WithDefault("10m")
  Duration maxJobDuration();

  /** Default {@code waitSeconds} of an agent's long poll (duration, ≤ poll-max-wait). */
  @WithDefault("25s")
  Duration pollWait();

  /** Largest {@code waitSeconds} an agent may ask for (duration). */
  @WithDefault("60s")
  Duration pollMaxWait();

  /**
   * How often a waiting long poll also asks the database; a safety net, since jobs queued through
   * another replica wake polls through PostgreSQL notifications (duration).
   */
  @WithDefault("5s")
  Duration pollRecheck();

  /**
   * Long polls that may wait at once per host (≥ 1); one more is a 429 with Retry-After. An agent
   * polls one at a time: the second place is for a reconnect while its old poll is still open.
   */
  @WithDefault("2")
  int maxPollsPerHost();

  /** How often jobs past their deadline are timed out (duration). */
  @WithDefault("1s")
  Duration sweep();

  /**
   * At start, time out jobs an agent had taken ("server restarted"). With several replicas set it
   * to false: a starting replica would end jobs that another one handed out (deadlines still end
   * jobs whose replica died).
   */
  @WithDefault("true")
  boolean timeOutTakenAtStart();
}
