package dev.fabricscope.agent.bandwidth.host;

import com.sun.jna.ptr.IntByReference;
import dev.fabricscope.agent.bandwidth.Cancellation;
import dev.fabricscope.agent.bandwidth.HelperException;
import dev.fabricscope.agent.bandwidth.Measurement;
import dev.fabricscope.agent.bandwidth.memory.MemoryBudget;
import dev.fabricscope.bandwidth.BandwidthFlow;
import dev.fabricscope.bandwidth.BandwidthSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code host-memcpy} with concurrent flows through our C library ({@code membw_flows.c}): one
 * thread per flow, allowed on its source node's CPUs, copies a buffer bound to the source node into
 * one bound to the target node in pieces of 1 MiB; all flows start at one barrier and share each
 * pass's window (it ends when the first flow has copied {@code bytes}). Each sample is a flow's
 * bytes / its time in the window, GB/s (10^9 bytes per second, counted once as mbw counts them).
 */
final class ConcurrentCopies {

  /** Piece copied per step: small enough that the window's end is seen within microseconds. */
  static final long CHUNK = 1L << 20;

  private ConcurrentCopies() {}

  static Measurement run(BandwidthSpec spec, NumaNodes n, MemoryBudget budget, Cancellation cancel)
      throws HelperException {
    List<BandwidthFlow> flows = spec.flows();
    int[] src = new int[flows.size()];
    int[] dst = new int[flows.size()];
    int[] ncpus = new int[flows.size()];
    List<Integer> cpus = new ArrayList<>();
    for (int i = 0; i < flows.size(); i++) {
      BandwidthFlow f = flows.get(i);
      src[i] = f.source().index();
      dst[i] = f.target().index();
      NumaNodes.Node s = n.node(src[i]).orElseThrow(() -> noNode(f.source(), n));
      n.node(dst[i]).orElseThrow(() -> noNode(f.target(), n));
      if (s.cpus().length == 0) {
        throw new HelperException(f.source() + " has no CPUs this process may run on");
      }
      ncpus[i] = s.cpus().length;
      Arrays.stream(s.cpus()).forEach(cpus::add);
    }
    FabricscopeNative.Lib lib = NativeRun.start(cancel);
    int reps = spec.repetitions();
    double[] gbps = new double[flows.size() * reps];
    IntByReference bound = new IntByReference();
    int[] cpuList = cpus.stream().mapToInt(Integer::intValue).toArray();
    // every flow's buffers at once, held until the library has freed them (it returns only then)
    try (MemoryBudget.Reservation r = budget.reserve(HostMemcpyHelper.need(spec))) {
      NativeRun.run(
          lib,
          cancel,
          "host-memcpy",
          (l, stop, err) ->
              l.fsn_copy_flows(
                  flows.size(),
                  src,
                  dst,
                  cpuList,
                  ncpus,
                  spec.bytes(),
                  Math.min(CHUNK, spec.bytes()),
                  reps,
                  gbps,
                  bound,
                  stop,
                  err,
                  err.length));
    }
    NativeRun.FlowSamples samples = NativeRun.flows(gbps, flows.size(), reps);
    StringBuilder raw =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "fabricscope-membw %d: %d concurrent flows, %d bytes per flow and pass, %s",
                lib.fsn_version(),
                flows.size(),
                spec.bytes(),
                bound.getValue() == 1
                    ? "buffers bound and verified on their nodes"
                    : "no NUMA binding"));
    for (int i = 0; i < flows.size(); i++) {
      raw.append(
          String.format(
              Locale.ROOT, "%n%s: GB/s per pass %s", flows.get(i), samples.perFlow().get(i)));
    }
    return new Measurement(
        Arrays.stream(samples.sums()).boxed().toList(),
        "fabricscope-membw " + lib.fsn_version(),
        raw.toString(),
        samples.perFlow());
  }

  private static HelperException noNode(Object endpoint, NumaNodes n) {
    return new HelperException(
        endpoint + " is not a NUMA node of this host (" + n.endpoints() + ")");
  }
}
