package dev.fabricscope.bandwidth;

import dev.fabricscope.config.BandwidthConfig;
import dev.fabricscope.config.BandwidthEfficiency;
import dev.fabricscope.config.FabricscopeConfig;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;

/**
 * The server's bandwidth-test settings ({@code fabricscope.bandwidth.*} of {@link
 * FabricscopeConfig}), checked at start by {@link dev.fabricscope.config.ConfigCheck} (a bad value
 * stops the server, never a request):
 *
 * <ul>
 *   <li>{@code efficiency.gpu-copy}, {@code .gpu-bidir}, {@code .gpu-peer-pcie}, {@code .nvlink},
 *       {@code .nic-line}, {@code .tcp-line}, {@code .nvme-read}, {@code pass-ratio}, {@code
 *       warn-ratio}: {@link Efficiencies} (defaults {@link Efficiencies#DEFAULTS}, sources there);
 *   <li>{@code queue-timeout} (1h): how long a job waits for its agent(s) to pick it up;
 *   <li>{@code max-active-per-caller} (16), {@code created-burst-per-caller} (100) and {@code
 *       created-per-minute-per-caller} (600): how many tests one caller may have active, and
 *       create, before a 429; {@code kept-per-host} (1000) and {@code raw-outputs-per-host} (100):
 *       how many finished tests a host keeps ({@link dev.fabricscope.inventory.JobRetention});
 *   <li>{@code listen-timeout} (60s): how long a target has to report its listener ready;
 *   <li>{@code run-timeout} (5m): how long a run of fixed repetitions may take; a run with a
 *       duration gets that duration plus {@code run-slack} (60s); both capped by {@code
 *       max-job-duration} (10m, at least the longest duration plus the slack);
 *   <li>{@code poll-wait} (25s) and {@code poll-max-wait} (60s): the default and the largest {@code
 *       waitSeconds} of an agent's long poll; {@code poll-recheck} (5s): how often a waiting poll
 *       also asks the database, for jobs created through another replica; {@code
 *       max-polls-per-host} (2): long polls one host may have waiting at once (one more: 429);
 *   <li>{@code sweep} (1s): how often jobs past their deadline are timed out;
 *   <li>{@code time-out-taken-at-start} (true): at start, jobs an agent had taken time out ("server
 *       restarted"); with several replicas set it to false (the deadlines still end them).
 * </ul>
 */
@ApplicationScoped
public class BandwidthSettings {

  @Inject FabricscopeConfig config;

  private BandwidthConfig b;
  private Efficiencies efficiencies;

  // Values are checked by ConfigCheck before any bean starts; Efficiencies checks its own again.
  @PostConstruct
  void init() {
    b = config.bandwidth();
    BandwidthEfficiency e = b.efficiency();
    efficiencies =
        new Efficiencies(
            e.gpuCopy(),
            e.gpuBidir(),
            e.gpuPeerPcie(),
            e.nvlink(),
            e.nicLine(),
            e.tcpLine(),
            e.nvmeRead(),
            b.passRatio(),
            b.warnRatio());
  }

  /** Efficiencies and verdict thresholds. */
  public Efficiencies efficiencies() {
    return efficiencies;
  }

  public Duration queueTimeout() {
    return b.queueTimeout();
  }

  /** Tests one caller may have queued or running at once. */
  public int maxActivePerCaller() {
    return b.maxActivePerCaller();
  }

  /** Tests one caller may create at once (the bucket's size). */
  public int createdBurstPerCaller() {
    return b.createdBurstPerCaller();
  }

  /** Tests one caller may create per minute in the long run. */
  public int createdPerMinutePerCaller() {
    return b.createdPerMinutePerCaller();
  }

  public Duration listenTimeout() {
    return b.listenTimeout();
  }

  /** How long the run of {@code spec} may take once its agent has it. */
  public Duration runTimeout(BandwidthSpec spec) {
    Duration d =
        spec.durationSeconds() == null
            ? b.runTimeout()
            : Duration.ofSeconds(spec.durationSeconds()).plus(b.runSlack());
    return d.compareTo(b.maxJobDuration()) > 0 ? b.maxJobDuration() : d;
  }

  public Duration pollWait() {
    return b.pollWait();
  }

  public Duration pollMaxWait() {
    return b.pollMaxWait();
  }

  public Duration pollRecheck() {
    return b.pollRecheck();
  }

  /** Long polls one host may have waiting at once. */
  public int maxPollsPerHost() {
    return b.maxPollsPerHost();
  }

  public Duration sweep() {
    return b.sweep();
  }

  public boolean timeOutTakenAtStart() {
    return b.timeOutTakenAtStart();
  }
}
