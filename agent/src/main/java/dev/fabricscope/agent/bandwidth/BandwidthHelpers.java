package dev.fabricscope.agent.bandwidth;

import dev.fabricscope.agent.bandwidth.cuda.CudaCopyHelper;
import dev.fabricscope.agent.bandwidth.host.HostMemcpyHelper;
import dev.fabricscope.bandwidth.BandwidthKind;
import java.util.List;
import java.util.Optional;

/**
 * The helpers this agent knows, in order of preference for a kind: our C library for host copies,
 * the CUDA driver API for GPU copies. Each is detected when asked and absent without harm.
 */
public final class BandwidthHelpers {

  private final List<BandwidthHelper> helpers;

  public BandwidthHelpers(List<BandwidthHelper> helpers) {
    this.helpers = List.copyOf(helpers);
  }

  /** The helpers of this host. */
  public static BandwidthHelpers standard() {
    return new BandwidthHelpers(List.of(new HostMemcpyHelper(), new CudaCopyHelper()));
  }

  /** Every helper, in order. */
  public List<BandwidthHelper> all() {
    return helpers;
  }

  /** The first helper that measures the kind, present or not. */
  public Optional<BandwidthHelper> forKind(BandwidthKind kind) {
    return helpers.stream().filter(h -> h.handles(kind)).findFirst();
  }

  /** What each helper can do here, as the agent reports it. */
  public List<HelperCapability> detectAll() {
    return helpers.stream().map(BandwidthHelper::detect).toList();
  }
}
