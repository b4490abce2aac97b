package dev.fabricscope.agent.bandwidth;

import dev.fabricscope.agent.bandwidth.cuda.CudaCopyHelper;
import dev.fabricscope.agent.bandwidth.host.HostMemcpyHelper;
import dev.fabricscope.agent.bandwidth.nvme.NvmeReadHelper;
import dev.fabricscope.bandwidth.BandwidthKind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The helpers this agent knows, in order of preference for a kind: our C library for host copies
 * and NVMe reads, the CUDA driver API for GPU copies (nvbandwidth, where installed, as the second
 * opinion), perftest for RDMA and iperf3 for TCP. Each is detected when asked and absent without
 * harm.
 *
 * <p>Choosing a helper for a job reuses a detection younger than {@link #DETECTION_TTL}: detecting
 * runs the tool ({@code iperf3 --version}, {@code ib_write_bw --version}), 10–40 ms of process
 * start on the path of every test side otherwise (issue 10's orchestration overhead). A tool
 * removed meanwhile fails its run with the tool's own error, which the job reports.
 */
public final class BandwidthHelpers {

  /** How long a helper's detection is reused when choosing the helper for a job. */
  public static final Duration DETECTION_TTL = Duration.ofMinutes(5);

  private final List<BandwidthHelper> helpers;
  private final LongSupplier nanoClock;
  private final Map<BandwidthHelper, Detected> detected = new ConcurrentHashMap<>();

  private record Detected(HelperCapability capability, long atNanos) {}

  public BandwidthHelpers(List<BandwidthHelper> helpers) {
    this(helpers, System::nanoTime);
  }

  /** With the clock the detection age is read from (tests). */
  BandwidthHelpers(List<BandwidthHelper> helpers, LongSupplier nanoClock) {
    this.helpers = List.copyOf(helpers);
    this.nanoClock = nanoClock;
  }

  /** The helpers of this host. */
  public static BandwidthHelpers standard() {
    // our own helpers first; nvbandwidth is the second opinion on GPU copies
    return new BandwidthHelpers(
        List.of(
            new HostMemcpyHelper(),
            new NvmeReadHelper(),
            new CudaCopyHelper(),
            new PerftestHelper(),
            new Iperf3Helper(),
            new NvbandwidthHelper()));
  }

  /** Every helper, in order. */
  public List<BandwidthHelper> all() {
    return helpers;
  }

  /**
   * The helper that measures the kind: the first present one, else the first that handles it (so
   * its absence and reason are what the caller reports).
   */
  public Optional<BandwidthHelper> forKind(BandwidthKind kind) {
    List<BandwidthHelper> handling = helpers.stream().filter(h -> h.handles(kind)).toList();
    return handling.stream()
        .filter(h -> recent(h).present())
        .findFirst()
        .or(() -> handling.stream().findFirst());
  }

  /** What each helper can do here, as the agent reports it. */
  public List<HelperCapability> detectAll() {
    return helpers.stream().map(this::detectNow).toList();
  }

  private HelperCapability recent(BandwidthHelper h) {
    Detected d = detected.get(h);
    if (d != null && nanoClock.getAsLong() - d.atNanos() < DETECTION_TTL.toNanos()) {
      return d.capability();
    }
    return detectNow(h);
  }

  private HelperCapability detectNow(BandwidthHelper h) {
    HelperCapability c = h.detect();
    detected.put(h, new Detected(c, nanoClock.getAsLong()));
    return c;
  }
}
