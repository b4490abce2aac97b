package dev.fabricscope.agent.bandwidth.host;

import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import dev.fabricscope.agent.bandwidth.BandwidthHelper;
import dev.fabricscope.agent.bandwidth.Cancellation;
import dev.fabricscope.agent.bandwidth.HelperCapability;
import dev.fabricscope.agent.bandwidth.HelperException;
import dev.fabricscope.agent.bandwidth.Measurement;
import dev.fabricscope.agent.bandwidth.Peer;
import dev.fabricscope.agent.bandwidth.memory.MemoryBudget;
import dev.fabricscope.agent.bandwidth.memory.MemoryNeed;
import dev.fabricscope.bandwidth.BandwidthFlow;
import dev.fabricscope.bandwidth.BandwidthKind;
import dev.fabricscope.bandwidth.BandwidthSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * {@code host-memcpy} through our C library: threads pinned to the source node's CPUs copy a buffer
 * bound to the source node into one bound to the target node (memcpy, as mbw's MEMCPY test; the
 * target one cache line into its mapping), three warm-up copies (the fastest sets how many copies a
 * timed pass makes), then the spec's repetitions; each sample is {@code bytes} / seconds per copy,
 * in GB/s (10^9 bytes per second, bytes counted once as mbw counts them). The buffers are reserved
 * in the agent's {@link MemoryBudget} before the library allocates them.
 */
public final class HostMemcpyHelper implements BandwidthHelper {

  private final Supplier<NumaNodes> nodes;
  private final MemoryBudget budget;

  /** The helper on this host, its buffers reserved in the agent's one budget. */
  public HostMemcpyHelper() {
    this(NumaNodes::live, MemoryBudget.shared());
  }

  HostMemcpyHelper(Supplier<NumaNodes> nodes, MemoryBudget budget) {
    this.nodes = nodes;
    this.budget = budget;
  }

  @Override
  public String name() {
    return "membw";
  }

  @Override
  public boolean handles(BandwidthKind kind) {
    return kind == BandwidthKind.HOST_MEMCPY;
  }

  @Override
  public HelperCapability detect() {
    try {
      int version = FabricscopeNative.lib().fsn_version();
      NumaNodes n = nodes.get();
      return new HelperCapability(
          name(),
          true,
          Integer.toString(version),
          n.endpoints(),
          n.numaKernel()
              ? "our C library, " + n.nodes().size() + " NUMA node(s)"
              : "our C library; kernel without NUMA, node 0 is the whole host");
    } catch (IllegalStateException | LinkageError e) {
      return HelperCapability.absent(name(), FabricscopeNative.oneLine(e.getMessage()));
    }
  }

  @Override
  public Measurement run(BandwidthSpec spec, Peer peer, Cancellation cancel)
      throws HelperException {
    if (spec.kind() != BandwidthKind.HOST_MEMCPY) {
      throw new HelperException(name() + " does not run " + spec.kind().json());
    }
    if (!spec.concurrent().isEmpty()) {
      return ConcurrentCopies.run(spec, nodes.get(), budget, cancel);
    }
    NumaNodes n = nodes.get();
    int src = spec.source().index();
    int dst = spec.target().index();
    NumaNodes.Node source = n.node(src).orElseThrow(() -> noNode(spec.source(), n));
    n.node(dst).orElseThrow(() -> noNode(spec.target(), n));
    if (source.cpus().length == 0) {
      throw new HelperException(
          spec.source() + " has no CPUs this process may run on, so no copy thread can sit there");
    }
    FabricscopeNative.Lib lib = NativeRun.start(cancel);
    double[] seconds = new double[spec.repetitions()];
    LongByReference inner = new LongByReference();
    IntByReference bound = new IntByReference();
    // held until the library has freed both buffers (it returns only then)
    try (MemoryBudget.Reservation r = budget.reserve(need(spec))) {
      NativeRun.run(
          lib,
          cancel,
          "host-memcpy",
          (l, stop, err) ->
              l.fsn_copy(
                  src,
                  dst,
                  source.cpus(),
                  source.cpus().length,
                  spec.bytes(),
                  spec.threads(),
                  spec.repetitions(),
                  seconds,
                  inner,
                  bound,
                  stop,
                  err,
                  err.length));
    }
    List<Double> samples = new ArrayList<>();
    for (double s : seconds) {
      samples.add(spec.bytes() / s / 1e9);
    }
    String raw =
        String.format(
            Locale.ROOT,
            "fabricscope-membw %d: %s -> %s, %d bytes, %d thread(s) on CPUs %s, %s, %d copies per"
                + " timed pass, seconds per copy %s",
            lib.fsn_version(),
            spec.source(),
            spec.target(),
            spec.bytes(),
            spec.threads(),
            java.util.Arrays.toString(source.cpus()),
            bound.getValue() == 1 ? "buffers bound and verified on their nodes" : "no NUMA binding",
            inner.getValue(),
            java.util.Arrays.toString(seconds));
    return new Measurement(samples, "fabricscope-membw " + lib.fsn_version(), raw);
  }

  /**
   * What the spec's copies allocate: each flow a source buffer of {@code bytes} on its source node
   * and a target of {@code bytes} plus one cache line on its target node.
   */
  static MemoryNeed need(BandwidthSpec spec) {
    MemoryNeed need = MemoryNeed.of(spec.kind().json());
    for (BandwidthFlow f : spec.flows()) {
      need =
          need.on(f.source().index(), spec.bytes())
              .on(f.target().index(), spec.bytes() + FabricscopeNative.COPY_DST_OFFSET);
    }
    return need;
  }

  private static HelperException noNode(Object endpoint, NumaNodes n) {
    return new HelperException(
        endpoint + " is not a NUMA node of this host (" + n.endpoints() + ")");
  }
}
