package dev.fabricscope.agent.bandwidth.nvme;

import com.sun.jna.ptr.IntByReference;
import dev.fabricscope.agent.bandwidth.BandwidthHelper;
import dev.fabricscope.agent.bandwidth.Cancellation;
import dev.fabricscope.agent.bandwidth.HelperCapability;
import dev.fabricscope.agent.bandwidth.HelperException;
import dev.fabricscope.agent.bandwidth.Measurement;
import dev.fabricscope.agent.bandwidth.Peer;
import dev.fabricscope.agent.bandwidth.host.FabricscopeNative;
import dev.fabricscope.agent.bandwidth.host.NativeRun;
import dev.fabricscope.agent.bandwidth.host.NumaNodes;
import dev.fabricscope.agent.bandwidth.memory.MemoryBudget;
import dev.fabricscope.agent.bandwidth.memory.MemoryNeed;
import dev.fabricscope.bandwidth.BandwidthFlow;
import dev.fabricscope.bandwidth.BandwidthKind;
import dev.fabricscope.bandwidth.BandwidthSpec;
import dev.fabricscope.sysfs.SysfsRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * {@code nvme-read} through our C library ({@code nvme_read.c}): sequential {@code O_DIRECT} reads
 * of each flow's NVMe controller's first namespace ({@link NvmeNamespaces}, from sysfs) into a
 * buffer bound to the target NUMA node, 1 MiB per read, one warm-up pass, then the spec's passes of
 * {@code bytes} per flow. Several flows start at one barrier and share each pass's window (it ends
 * when the first flow has read {@code bytes}); each sample is a flow's bytes / its time in the
 * window, in GB/s (10^9 bytes per second). Only reads: the device is opened read-only.
 */
public final class NvmeReadHelper implements BandwidthHelper {

  /** Bytes per read: large enough that the per-command cost is small, aligned for O_DIRECT. */
  static final long CHUNK = 1L << 20;

  private final Supplier<SysfsRoot> sysfs;
  private final Path devDir;
  private final Supplier<NumaNodes> nodes;
  private final MemoryBudget budget;

  /** The helper on this host: {@code /sys} and {@code /dev}, the agent's one memory budget. */
  public NvmeReadHelper() {
    this(() -> SysfsRoot.of(Path.of("/")), Path.of("/dev"), NumaNodes::live);
  }

  /**
   * With another sysfs tree, device folder and NUMA view (tests: a tree in a temporary folder whose
   * "devices" are files on a disk filesystem).
   */
  public NvmeReadHelper(Supplier<SysfsRoot> sysfs, Path devDir, Supplier<NumaNodes> nodes) {
    this(sysfs, devDir, nodes, MemoryBudget.shared());
  }

  /** As above, with the read buffers reserved in {@code budget}. */
  public NvmeReadHelper(
      Supplier<SysfsRoot> sysfs, Path devDir, Supplier<NumaNodes> nodes, MemoryBudget budget) {
    this.sysfs = sysfs;
    this.devDir = devDir;
    this.nodes = nodes;
    this.budget = budget;
  }

  @Override
  public String name() {
    return "nvme-read";
  }

  @Override
  public boolean handles(BandwidthKind kind) {
    return kind == BandwidthKind.NVME_READ;
  }

  @Override
  public HelperCapability detect() {
    int version;
    try {
      version = FabricscopeNative.lib().fsn_version();
    } catch (IllegalStateException | LinkageError e) {
      return HelperCapability.absent(name(), FabricscopeNative.oneLine(e.getMessage()));
    }
    List<String> controllers = new NvmeNamespaces(sysfs.get()).controllers();
    if (controllers.isEmpty()) {
      return HelperCapability.absent(
          name(), "no NVMe namespace on this host (no nvme/nvmeX/nvmeXnY under a PCI function)");
    }
    return new HelperCapability(
        name(),
        true,
        Integer.toString(version),
        controllers.stream().map(b -> "pci:" + b).toList(),
        "our C library, O_DIRECT reads of " + controllers.size() + " NVMe controller(s)");
  }

  @Override
  public Measurement run(BandwidthSpec spec, Peer peer, Cancellation cancel)
      throws HelperException {
    if (spec.kind() != BandwidthKind.NVME_READ) {
      throw new HelperException(name() + " does not run " + spec.kind().json());
    }
    List<BandwidthFlow> flows = spec.flows();
    String[] paths = new String[flows.size()];
    int[] targetNodes = new int[flows.size()];
    NvmeNamespaces ns = new NvmeNamespaces(sysfs.get());
    NumaNodes n = nodes.get();
    for (int i = 0; i < flows.size(); i++) {
      BandwidthFlow f = flows.get(i);
      String bdf = f.source().name();
      String dev =
          ns.namespace(bdf)
              .orElseThrow(
                  () ->
                      new HelperException(
                          bdf + " is not an NVMe controller with a namespace on this host"));
      Path p = devDir.resolve(dev);
      if (!Files.isReadable(p)) {
        throw new HelperException(p + " (namespace of " + bdf + ") is missing or not readable");
      }
      paths[i] = p.toString();
      targetNodes[i] = f.target().index();
      if (n.node(targetNodes[i]).isEmpty()) {
        throw new HelperException(
            f.target() + " is not a NUMA node of this host (" + n.endpoints() + ")");
      }
    }
    FabricscopeNative.Lib lib = NativeRun.start(cancel);
    long chunk = Math.min(CHUNK, spec.bytes() & ~4095L);
    int reps = spec.repetitions();
    double[] gbps = new double[flows.size() * reps];
    IntByReference bound = new IntByReference();
    // one read buffer of a chunk per flow, on its target node, freed before the library returns
    MemoryNeed need = MemoryNeed.of(spec.kind().json());
    for (int node : targetNodes) {
      need = need.on(node, chunk);
    }
    try (MemoryBudget.Reservation r = budget.reserve(need)) {
      NativeRun.run(
          lib,
          cancel,
          "nvme-read",
          (l, stop, err) ->
              l.fsn_read_flows(
                  flows.size(),
                  paths,
                  targetNodes,
                  spec.bytes(),
                  chunk,
                  reps,
                  gbps,
                  bound,
                  stop,
                  err,
                  err.length));
    }
    return measurement(spec, lib.fsn_version(), paths, chunk, bound.getValue() == 1, gbps);
  }

  private static Measurement measurement(
      BandwidthSpec spec, int version, String[] paths, long chunk, boolean bound, double[] gbps) {
    int flows = paths.length;
    NativeRun.FlowSamples split = NativeRun.flows(gbps, flows, spec.repetitions());
    List<List<Double>> perFlow = split.perFlow();
    StringBuilder raw = new StringBuilder();
    raw.append(
        String.format(
            Locale.ROOT,
            "fabricscope-nvme-read %d: %d flow(s), %d bytes per flow and pass in reads of %d, %s",
            version,
            flows,
            spec.bytes(),
            chunk,
            bound ? "buffers bound and verified on their nodes" : "no NUMA binding"));
    List<BandwidthFlow> fs = spec.flows();
    for (int i = 0; i < flows; i++) {
      raw.append(
          String.format(
              Locale.ROOT,
              "%n%s (%s) -> %s: GB/s per pass %s",
              fs.get(i).source(),
              paths[i],
              fs.get(i).target(),
              perFlow.get(i)));
    }
    List<Double> samples = Arrays.stream(split.sums()).boxed().toList();
    return new Measurement(
        samples, "fabricscope-nvme-read " + version, raw.toString(), flows > 1 ? perFlow : null);
  }
}
