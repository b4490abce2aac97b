package dev.fabricscope.agent.bandwidth;

import dev.fabricscope.bandwidth.BandwidthKind;
import dev.fabricscope.bandwidth.BandwidthSpec;
import dev.fabricscope.bandwidth.tools.NvbandwidthParser;
import dev.fabricscope.bandwidth.tools.NvbandwidthReport;
import dev.fabricscope.bandwidth.tools.NvbandwidthTestcases;
import dev.fabricscope.bandwidth.tools.ToolOutputException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NVIDIA nvbandwidth as a second opinion beside our own CUDA helper ({@code gpu-h2d}, {@code
 * gpu-d2h}, {@code gpu-bidir}, {@code gpu-d2d}, {@code gpu-p2p}): {@code nvbandwidth -j -t TEST… -b
 * MIB -i SAMPLES}, test cases from {@link NvbandwidthTestcases}, {@code
 * CUDA_DEVICE_ORDER=PCI_BUS_ID} so ordinals follow PCI order as {@code gpu:N} does. nvbandwidth is
 * not packaged by Debian or the driver: it is found only where someone built it (see {@code
 * shared/gpu-probe/nvbandwidth-build.sh}). One sample per run: nvbandwidth's own figure, the median
 * of its samples.
 */
public final class NvbandwidthHelper implements BandwidthHelper {

  /** The helper's name in capabilities. */
  public static final String NAME = "nvbandwidth";

  private static final Pattern VERSION =
      Pattern.compile("nvbandwidth Version: (v?[0-9]{1,3}(?:\\.[0-9]{1,3}){0,2})");
  private static final long MIB = 1 << 20;

  private final ProcessRunner runner;
  private final ExecutableFinder finder;
  private volatile String version;

  /** nvbandwidth from the agent's PATH or the system directories. */
  public NvbandwidthHelper() {
    this(new ProcessRunner(), ExecutableFinder.fromEnvironment());
  }

  public NvbandwidthHelper(ProcessRunner runner, ExecutableFinder finder) {
    this.runner = runner;
    this.finder = finder;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public HelperCapability detect() {
    try {
      Optional<Path> exe = finder.find("nvbandwidth");
      if (exe.isEmpty()) {
        return HelperCapability.absent(
            NAME,
            "nvbandwidth not found in "
                + finder.dirs()
                + " (not packaged; build it from NVIDIA/nvbandwidth)");
      }
      // "-l" lists the test cases after the version header, without touching a GPU's memory
      ProcessResult r =
          runner.run(CommandLine.of(exe.get()).option("-l"), env(), Cancellation.within(30));
      Matcher m = VERSION.matcher(r.stdout());
      if (!r.ok() || !m.find()) {
        return HelperCapability.absent(NAME, exe.get() + " -l: " + ProcessListener.firstLine(r));
      }
      version = m.group(1);
      return new HelperCapability(NAME, true, version, List.of(), exe.get().toString());
    } catch (HelperException | RuntimeException e) {
      return HelperCapability.absent(NAME, "nvbandwidth check failed: " + e.getMessage());
    }
  }

  @Override
  public boolean handles(BandwidthKind kind) {
    return kind.gpu();
  }

  @Override
  public Measurement run(BandwidthSpec spec, Peer peer, Cancellation cancel)
      throws HelperException {
    Path exe =
        finder
            .find("nvbandwidth")
            .orElseThrow(() -> new HelperException("nvbandwidth is not installed on this host"));
    ProcessResult r = runner.run(command(exe, spec), env(), cancel);
    if (r.stopped() != null) {
      throw new HelperException(
          "nvbandwidth "
              + (r.stopped() == ProcessResult.Stop.CANCELLED
                  ? "cancelled"
                  : "reached its deadline"));
    }
    try {
      NvbandwidthReport report = NvbandwidthParser.parseJson(r.stdout());
      double gbps = NvbandwidthTestcases.gbps(spec, report);
      return new Measurement(List.of(gbps), "nvbandwidth " + report.version(), r.rawOutput());
    } catch (ToolOutputException e) {
      throw new HelperException(e.getMessage() + (r.ok() ? "" : " (exit " + r.exitCode() + ")"), e);
    }
  }

  /**
   * {@code nvbandwidth -j -t TEST… -b MIB -i SAMPLES}.
   *
   * @throws HelperException for a kind it does not measure, pageable buffers (nvbandwidth copies
   *     pinned memory) or a size that is not whole MiB (its {@code -b} unit)
   */
  static CommandLine command(Path nvbandwidth, BandwidthSpec spec) throws HelperException {
    List<String> tests = NvbandwidthTestcases.forKind(spec.kind());
    if (tests.isEmpty()) {
      throw new HelperException("nvbandwidth does not measure " + spec.kind().json());
    }
    if (spec.pageable()) {
      throw new HelperException(
          "nvbandwidth copies pinned host memory only; pageable is ours alone");
    }
    if (spec.bytes() % MIB != 0) {
      throw new HelperException(
          "nvbandwidth buffer sizes are whole MiB, not " + spec.bytes() + " bytes");
    }
    CommandLine c = CommandLine.of(nvbandwidth).option("-j").option("-t");
    tests.forEach(c::value);
    return c.option("-b", spec.bytes() / MIB).option("-i", spec.repetitions());
  }

  private static Map<String, String> env() {
    return Map.of("CUDA_DEVICE_ORDER", "PCI_BUS_ID");
  }
}
