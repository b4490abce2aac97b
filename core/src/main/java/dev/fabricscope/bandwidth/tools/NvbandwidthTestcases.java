package dev.fabricscope.bandwidth.tools;

import dev.fabricscope.bandwidth.BandwidthKind;
import dev.fabricscope.bandwidth.BandwidthSpec;
import dev.fabricscope.bandwidth.Endpoint;
import dev.fabricscope.bandwidth.tools.NvbandwidthReport.Testcase;
import dev.fabricscope.text.LinearText;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which nvbandwidth test cases measure each GPU kind, and where in their matrices the tested pair
 * sits. From nvbandwidth v0.8 {@code testcases_ce.cpp}:
 *
 * <ul>
 *   <li>{@code gpu-h2d}: {@code host_to_device_memcpy_ce}, row 0 (the CPU), column = GPU;
 *   <li>{@code gpu-d2h}: {@code device_to_host_memcpy_ce}, same layout;
 *   <li>{@code gpu-bidir}: {@code host_to_device_bidirectional_memcpy_ce} plus {@code
 *       device_to_host_bidirectional_memcpy_ce}: each reports only its own direction while a copy
 *       the other way runs (the first copy's bandwidth, {@code doMemcpy}); fabricscope's bidir is
 *       the sum of both directions, so the two are added (two runs, not one);
 *   <li>{@code gpu-d2d}: {@code device_local_copy}, row 0, column = GPU (bytes copied per second);
 *   <li>{@code gpu-p2p}: {@code device_to_device_memcpy_write_ce}, row = source GPU, column =
 *       target GPU ({@code value(src, peer) = doMemcpy(src, peer)}; its printed title says "<-",
 *       the code copies row to column).
 * </ul>
 *
 * All copy-engine (CE) tests, as our CUDA helper's copies are.
 */
public final class NvbandwidthTestcases {

  private static final Pattern BUS_ID =
      Pattern.compile("([0-9]{1,3}): .*\\(([0-9a-f]{8}):([0-9a-f]{2}):([0-9a-f]{2})\\).*");

  private NvbandwidthTestcases() {}

  /** The test cases a kind runs ({@code -t} arguments), in order; empty for non-GPU kinds. */
  public static List<String> forKind(BandwidthKind kind) {
    return switch (kind) {
      case GPU_H2D -> List.of("host_to_device_memcpy_ce");
      case GPU_D2H -> List.of("device_to_host_memcpy_ce");
      case GPU_BIDIR ->
          List.of(
              "host_to_device_bidirectional_memcpy_ce", "device_to_host_bidirectional_memcpy_ce");
      case GPU_D2D -> List.of("device_local_copy");
      case GPU_P2P -> List.of("device_to_device_memcpy_write_ce");
      default -> List.of();
    };
  }

  /**
   * The measured GB/s of a spec in a report: the matrix cell of the tested GPU (or pair), summed
   * over the kind's test cases.
   *
   * @throws ToolOutputException when a test case is missing, did not pass, or has no value for the
   *     pair
   */
  public static double gbps(BandwidthSpec spec, NvbandwidthReport report)
      throws ToolOutputException {
    List<String> names = forKind(spec.kind());
    if (names.isEmpty()) {
      throw new ToolOutputException("nvbandwidth does not measure " + spec.kind().json());
    }
    int row = 0;
    int column;
    if (spec.kind() == BandwidthKind.GPU_P2P) {
      row = ordinal(spec.source(), report);
      column = ordinal(spec.target(), report);
    } else {
      Endpoint gpu = spec.source().type() == Endpoint.Type.NUMA ? spec.target() : spec.source();
      column = ordinal(gpu, report);
    }
    double total = 0;
    for (String name : names) {
      Testcase t =
          report
              .testcase(name)
              .orElseThrow(() -> new ToolOutputException("nvbandwidth did not run " + name));
      if (t.error() != null) {
        throw new ToolOutputException(
            "nvbandwidth " + name + ": " + ToolOutputException.quote(t.error()));
      }
      if (t.matrix().isEmpty()) {
        throw new ToolOutputException(
            "nvbandwidth " + name + " was " + t.status().toLowerCase(Locale.ROOT) + ", no values");
      }
      final int r = row;
      final int c = column;
      total +=
          t.value(r, c)
              .orElseThrow(
                  () ->
                      new ToolOutputException(
                          "nvbandwidth " + name + " has no value at row " + r + ", column " + c));
    }
    return total;
  }

  /**
   * The CUDA ordinal of a GPU endpoint: {@code gpu:N} as written, a BDF by the bus id in the
   * report's device list ({@code (00000000:00:06)}: domain, bus, device; nvbandwidth prints no
   * function number, GPUs are function 0).
   */
  static int ordinal(Endpoint e, NvbandwidthReport report) throws ToolOutputException {
    if (e.type() == Endpoint.Type.GPU) {
      return e.index();
    }
    if (e.type() == Endpoint.Type.PCI) {
      String[] bdf = e.name().split("[:.]");
      for (String d : report.devices()) {
        Matcher m = BUS_ID.matcher(d);
        // the pattern's .* cannot pass a line terminator: without one it matches in one pass
        if (LinearText.isOneLine(d)
            && m.matches()
            && Long.parseLong(m.group(2), 16) == Long.parseLong(bdf[0], 16)
            && m.group(3).equals(bdf[1])
            && m.group(4).equals(bdf[2])
            && bdf[3].equals("0")) {
          return Integer.parseInt(m.group(1));
        }
      }
      throw new ToolOutputException(e + " is not in nvbandwidth's device list");
    }
    throw new ToolOutputException(e + " is not a GPU");
  }
}
