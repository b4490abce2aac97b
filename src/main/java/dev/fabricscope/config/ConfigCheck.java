package dev.fabricscope.config;

import dev.fabricscope.bandwidth.BandwidthSpec;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Refuses a configuration whose values are each well-typed but make no sense (a pool of -1
 * connections, an efficiency of 1.2, a warn threshold above the pass threshold) before anything
 * else starts: the first startup observer, so the server stops with one message naming every bad
 * key, never with a failure deep in whatever bean used the value first.
 */
@ApplicationScoped
public class ConfigCheck {

  private static final String PREFIX = "fabricscope.";

  @Inject FabricscopeConfig config;

  void onStart(@Observes @Priority(1) StartupEvent e) {
    check(config);
    List<String> unknown = unknown(ConfigProvider.getConfig().getPropertyNames());
    if (!unknown.isEmpty()) {
      Log.warnf(
          "Not fabricscope settings, ignored: %s (docs/configuration.md lists the settings)",
          String.join(", ", unknown));
    }
  }

  /**
   * The {@code fabricscope.*} names that are no setting, which would otherwise be ignored without a
   * word (a typo, or a key of another version); logged at start, not refused: tools and tests pass
   * their own {@code fabricscope.*} system properties to the same JVM.
   */
  static List<String> unknown(Iterable<String> names) {
    Set<String> keys = ConfigKeys.withDefaults().keySet();
    List<String> unknown = new ArrayList<>();
    for (String name : names) {
      if (name.startsWith(PREFIX) && !keys.contains(name.substring(PREFIX.length()))) {
        unknown.add(name);
      }
    }
    return unknown;
  }

  /** Throws {@link IllegalArgumentException} naming every problem of {@code c}, if any. */
  public static void check(FabricscopeConfig c) {
    List<String> problems = problems(c);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "Invalid configuration ("
              + problems.size()
              + (problems.size() == 1 ? " problem" : " problems")
              + "): "
              + String.join("; ", problems));
    }
  }

  /** Every problem of {@code c}, one line each naming the key, the value and the rule. */
  public static List<String> problems(FabricscopeConfig c) {
    var p = new Problems();
    c.db()
        .url()
        .filter(u -> !u.isBlank())
        .filter(u -> !u.startsWith("jdbc:postgresql:") && !u.startsWith("jdbc:h2:"))
        .ifPresent(
            u ->
                p.add(
                    "db.url",
                    u.split("[;?]")[0],
                    "must start with jdbc:postgresql: or jdbc:h2: (the bundled drivers)"));
    p.atLeast("db.pool-size", c.db().poolSize(), 1);
    p.atLeast("ingest.threads", c.ingest().threads(), 0);
    p.atLeast("ingest.queue", c.ingest().queue(), 1);
    p.positive("ingest.last-seen-flush", c.ingest().lastSeenFlush());
    p.atLeast("ingest.parsed-burst-per-host", c.ingest().parsedBurstPerHost(), 1);
    p.atLeast("ingest.parsed-per-minute-per-host", c.ingest().parsedPerMinutePerHost(), 1);

    BandwidthConfig b = c.bandwidth();
    BandwidthEfficiency e = b.efficiency();
    p.share("bandwidth.efficiency.gpu-copy", e.gpuCopy());
    p.share("bandwidth.efficiency.gpu-bidir", e.gpuBidir());
    p.share("bandwidth.efficiency.gpu-peer-pcie", e.gpuPeerPcie());
    p.share("bandwidth.efficiency.nvlink", e.nvlink());
    p.share("bandwidth.efficiency.nic-line", e.nicLine());
    p.share("bandwidth.efficiency.tcp-line", e.tcpLine());
    p.share("bandwidth.efficiency.nvme-read", e.nvmeRead());
    if (!(b.passRatio() > 0 && b.passRatio() <= 1.5)) {
      p.add("bandwidth.pass-ratio", b.passRatio(), "must be in (0, 1.5]");
    }
    if (!(b.warnRatio() > 0)) {
      p.add("bandwidth.warn-ratio", b.warnRatio(), "must be above 0");
    } else if (b.warnRatio() > b.passRatio()) {
      p.add(
          "bandwidth.warn-ratio",
          b.warnRatio(),
          "must not exceed bandwidth.pass-ratio (" + b.passRatio() + ")");
    }
    p.positive("bandwidth.queue-timeout", b.queueTimeout());
    p.positive("bandwidth.listen-timeout", b.listenTimeout());
    p.positive("bandwidth.run-timeout", b.runTimeout());
    p.notNegative("bandwidth.run-slack", b.runSlack());
    p.positive("bandwidth.poll-recheck", b.pollRecheck());
    p.atLeast("bandwidth.max-polls-per-host", b.maxPollsPerHost(), 1);
    p.positive("bandwidth.sweep", b.sweep());
    p.positive("bandwidth.poll-max-wait", b.pollMaxWait());
    if (b.pollWait().isNegative() || b.pollWait().compareTo(b.pollMaxWait()) > 0) {
      p.add("bandwidth.poll-wait", b.pollWait(), "must be 0..bandwidth.poll-max-wait");
    }
    Duration longest = Duration.ofSeconds(BandwidthSpec.MAX_DURATION_SECONDS).plus(b.runSlack());
    if (b.maxJobDuration().compareTo(longest) < 0) {
      p.add(
          "bandwidth.max-job-duration",
          b.maxJobDuration(),
          "must be at least the longest run ("
              + BandwidthSpec.MAX_DURATION_SECONDS
              + " s) plus bandwidth.run-slack");
    } else if (b.runTimeout().compareTo(b.maxJobDuration()) > 0) {
      p.add("bandwidth.max-job-duration", b.maxJobDuration(), "must be at least run-timeout");
    }

    p.atLeast("findings.missed-intervals", c.findings().missedIntervals(), 1);
    p.notNegative("findings.cache", c.findings().cache());
    p.positive("agent.interval", c.agent().interval());
    p.positive("metrics.refresh", c.metrics().refresh());
    p.atLeast("p2p.max-devices", c.p2p().maxDevices(), 1);
    p.atLeast("p2p.concurrent", c.p2p().concurrent(), 1);
    p.atLeast("imports.concurrent", c.imports().concurrent(), 1);
    p.atLeast("fabric.uploads-max-count", c.fabric().uploadsMaxCount(), 1);
    p.atLeast("fabric.uploads-max-bytes", c.fabric().uploadsMaxBytes(), 1);
    p.atLeast("history.max-snapshots-per-host", c.history().maxSnapshotsPerHost(), 1);
    p.atLeast("history.max-bytes-per-host", c.history().maxBytesPerHost(), 1);
    p.atLeast("history.min-free-disk", c.history().minFreeDisk(), 0);
    p.atLeast("history.max-hosts", c.history().maxHosts(), 1);
    long reserve = HistoryConfig.agentReserve(c.history());
    if (reserve < 0 || reserve > c.history().maxHosts()) {
      p.add("history.agent-reserve", reserve, "must be in [0, fabricscope.history.max-hosts]");
    }
    p.atLeast("events.max-streams-per-caller", c.events().maxStreamsPerCaller(), 1);
    p.atLeast("events.max-streams", c.events().maxStreams(), 1);
    p.atLeast("bandwidth.max-active-per-caller", c.bandwidth().maxActivePerCaller(), 1);
    p.atLeast("bandwidth.created-burst-per-caller", c.bandwidth().createdBurstPerCaller(), 1);
    p.atLeast(
        "bandwidth.created-per-minute-per-caller", c.bandwidth().createdPerMinutePerCaller(), 1);
    p.atLeast("bandwidth.kept-per-host", c.bandwidth().keptPerHost(), 1);
    p.atLeast("bandwidth.raw-outputs-per-host", c.bandwidth().rawOutputsPerHost(), 0);
    p.atLeast("plans.max-per-creator", c.plans().maxPerCreator(), 1);
    p.atLeast("plans.max-versions", c.plans().maxVersions(), 1);
    p.atLeast("plans.max-bytes", c.plans().maxBytes(), 1 << 20);
    c.kubernetes()
        .agentServiceAccount()
        .filter(sa -> !sa.isBlank() && KubernetesConfig.serviceAccountUser(sa).isEmpty())
        .ifPresent(sa -> p.add("kubernetes.agent-service-account", sa, "must be NAMESPACE/NAME"));
    p.positive("kubernetes.review-cache", c.kubernetes().reviewCache());
    if (c.kubernetes().audience().isBlank()) {
      p.add("kubernetes.audience", "", "must not be blank");
    }
    if (!KubernetesApiUrl.acceptable(c.kubernetes().apiServer())) {
      p.add(
          "kubernetes.api-server",
          c.kubernetes().apiServer(),
          "must be https:// (http:// only to this machine's loopback)");
    }
    c.requestBodyBudget()
        .ifPresent(
            budget ->
                p.atLeast(
                    "request-body-budget", budget, dev.fabricscope.importer.Importers.MAX_BYTES));
    p.atLeast("request-body-min-rate", c.requestBodyMinRate(), 0);
    p.atLeast("answer-min-rate", c.answerMinRate(), 0);
    p.notNegative("answer-max-time", c.answerMaxTime());
    p.notNegative("imports.wait", c.imports().slotWait());
    p.positive("imports.parse-timeout", c.imports().parseTimeout());
    p.notNegative("p2p.wait", c.p2p().slotWait());
    p.atLeast("p2p.cache-bytes", c.p2p().cacheBytes(), 0);
    p.atLeast("p2p.cache-entries", c.p2p().cacheEntries(), 0);
    return p.list;
  }

  /** Collects problems as {@code fabricscope.key = value: rule}. */
  private static final class Problems {
    final List<String> list = new ArrayList<>();

    void add(String key, Object value, String rule) {
      list.add("fabricscope." + key + " = " + value + ": " + rule);
    }

    void atLeast(String key, long value, long min) {
      if (value < min) {
        add(key, value, "must be at least " + min);
      }
    }

    void share(String key, double value) {
      if (!(value > 0 && value <= 1)) {
        add(key, value, "must be in (0, 1]");
      }
    }

    void positive(String key, Duration d) {
      if (d.isNegative() || d.isZero()) {
        add(key, d, "must be a positive duration");
      }
    }

    void notNegative(String key, Duration d) {
      if (d.isNegative()) {
        add(key, d, "must not be negative");
      }
    }
  }
}
