package dev.fabricscope.agent.bandwidth;

import dev.fabricscope.agent.bandwidth.cuda.CudaCopyHelper;
import dev.fabricscope.agent.bandwidth.host.HostMemcpyHelper;
import dev.fabricscope.bandwidth.BandwidthKind;
import java.util.List;
import java.util.Optional;

/**
 * The helpers this agent knows, in order of preference for a kind: our C library for host copies,
 * the CUDA driver API for GPU copies (nvbandwidth, where installed, as the second opinion),
 * perftest for RDMA and iperf3 for TCP. Each is detected when asked and absent without harm.
 */
public final class BandwidthHelpers {

  private final List<BandwidthHelper> helpers;

  public BandwidthHelpers(List<BandwidthHelper> helpers) {
    this.helpers = List.copyOf(helpers);
  }

  /** The helpers of this host. */
  public static BandwidthHelpers standard() {
    // our own helpers first; nvbandwidth is the second opinion on GPU copies
    return new BandwidthHelpers(
        List.of(
            new HostMemcpyHelper(),
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
        .filter(h -> h.detect().present())
        .findFirst()
        .or(() -> handling.stream().findFirst());
  }

  /** What each helper can do here, as the agent reports it. */
  public List<HelperCapability> detectAll() {
    return helpers.stream().map(BandwidthHelper::detect).toList();
  }
}
