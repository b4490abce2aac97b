package dev.fabricscope.bandwidth;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The server's bandwidth-test settings ({@code fabricscope.bandwidth.*}), checked at start (a bad
 * value stops the server, never a request):
 *
 * <ul>
 *   <li>{@code efficiency.gpu-copy}, {@code .gpu-bidir}, {@code .gpu-peer-pcie}, {@code .nvlink},
 *       {@code .nic-line}, {@code .tcp-line}, {@code pass-ratio}, {@code warn-ratio}: {@link
 *       Efficiencies} (defaults {@link Efficiencies#DEFAULTS}, sources there);
 *   <li>{@code queue-timeout} (1h): how long a job waits for its agent(s) to pick it up;
 *   <li>{@code listen-timeout} (60s): how long a target has to report its listener ready;
 *   <li>{@code run-timeout} (5m): how long a run of fixed repetitions may take; a run with a
 *       duration gets that duration plus {@code run-slack} (60s); both capped by {@code
 *       max-job-duration} (10m, at least the longest duration plus the slack);
 *   <li>{@code poll-wait} (25s) and {@code poll-max-wait} (60s): the default and the largest {@code
 *       waitSeconds} of an agent's long poll; {@code poll-recheck} (5s): how often a waiting poll
 *       also asks the database, for jobs created through another replica;
 *   <li>{@code sweep} (1s): how often jobs past their deadline are timed out;
 *   <li>{@code time-out-taken-at-start} (true): at start, jobs an agent had taken time out ("server
 *       restarted"); with several replicas set it to false (the deadlines still end them).
 * </ul>
 */
@ApplicationScoped
public class BandwidthSettings {

  @ConfigProperty(name = "fabricscope.bandwidth.efficiency.gpu-copy", defaultValue = "0.88")
  double gpuCopy;

  @ConfigProperty(name = "fabricscope.bandwidth.efficiency.gpu-bidir", defaultValue = "0.73")
  double gpuBidir;

  @ConfigProperty(name = "fabricscope.bandwidth.efficiency.gpu-peer-pcie", defaultValue = "0.80")
  double gpuPeerPcie;

  @ConfigProperty(name = "fabricscope.bandwidth.efficiency.nvlink", defaultValue = "0.84")
  double nvlink;

  @ConfigProperty(name = "fabricscope.bandwidth.efficiency.nic-line", defaultValue = "0.95")
  double nicLine;

  @ConfigProperty(name = "fabricscope.bandwidth.efficiency.tcp-line", defaultValue = "0.94")
  double tcpLine;

  @ConfigProperty(name = "fabricscope.bandwidth.pass-ratio", defaultValue = "0.90")
  double passRatio;

  @ConfigProperty(name = "fabricscope.bandwidth.warn-ratio", defaultValue = "0.75")
  double warnRatio;

  @ConfigProperty(name = "fabricscope.bandwidth.queue-timeout", defaultValue = "1h")
  Duration queueTimeout;

  @ConfigProperty(name = "fabricscope.bandwidth.listen-timeout", defaultValue = "60s")
  Duration listenTimeout;

  @ConfigProperty(name = "fabricscope.bandwidth.run-timeout", defaultValue = "5m")
  Duration runTimeout;

  @ConfigProperty(name = "fabricscope.bandwidth.run-slack", defaultValue = "60s")
  Duration runSlack;

  @ConfigProperty(name = "fabricscope.bandwidth.max-job-duration", defaultValue = "10m")
  Duration maxJobDuration;

  @ConfigProperty(name = "fabricscope.bandwidth.poll-wait", defaultValue = "25s")
  Duration pollWait;

  @ConfigProperty(name = "fabricscope.bandwidth.poll-max-wait", defaultValue = "60s")
  Duration pollMaxWait;

  @ConfigProperty(name = "fabricscope.bandwidth.poll-recheck", defaultValue = "5s")
  Duration pollRecheck;

  @ConfigProperty(name = "fabricscope.bandwidth.sweep", defaultValue = "1s")
  Duration sweep;

  @ConfigProperty(name = "fabricscope.bandwidth.time-out-taken-at-start", defaultValue = "true")
  boolean timeOutTakenAtStart;

  private Efficiencies efficiencies;

  @PostConstruct
  void check() {
    efficiencies =
        new Efficiencies(
            gpuCopy, gpuBidir, gpuPeerPcie, nvlink, nicLine, tcpLine, passRatio, warnRatio);
    Duration longest = Duration.ofSeconds(BandwidthSpec.MAX_DURATION_SECONDS).plus(runSlack);
    if (maxJobDuration.compareTo(longest) < 0 || runTimeout.compareTo(maxJobDuration) > 0) {
      throw new IllegalArgumentException(
          "fabricscope.bandwidth.max-job-duration must be at least "
              + longest.toSeconds()
              + " s and at least run-timeout");
    }
    for (Duration d : new Duration[] {queueTimeout, listenTimeout, pollRecheck, sweep}) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("fabricscope.bandwidth durations must be positive");
      }
    }
    if (pollWait.isNegative() || pollWait.compareTo(pollMaxWait) > 0) {
      throw new IllegalArgumentException(
          "fabricscope.bandwidth.poll-wait must be 0..poll-max-wait");
    }
  }

  /** Efficiencies and verdict thresholds. */
  public Efficiencies efficiencies() {
    return efficiencies;
  }

  public Duration queueTimeout() {
    return queueTimeout;
  }

  public Duration listenTimeout() {
    return listenTimeout;
  }

  /** How long the run of {@code spec} may take once its agent has it. */
  public Duration runTimeout(BandwidthSpec spec) {
    Duration d =
        spec.durationSeconds() == null
            ? runTimeout
            : Duration.ofSeconds(spec.durationSeconds()).plus(runSlack);
    return d.compareTo(maxJobDuration) > 0 ? maxJobDuration : d;
  }

  public Duration pollWait() {
    return pollWait;
  }

  public Duration pollMaxWait() {
    return pollMaxWait;
  }

  public Duration pollRecheck() {
    return pollRecheck;
  }

  public Duration sweep() {
    return sweep;
  }

  public boolean timeOutTakenAtStart() {
    return timeOutTakenAtStart;
  }
}
