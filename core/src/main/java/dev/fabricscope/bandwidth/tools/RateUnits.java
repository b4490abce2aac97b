package dev.fabricscope.bandwidth.tools;

/**
 * Conversions from the units the tools print to fabricscope's GB/s (10^9 bytes per second).
 *
 * <ul>
 *   <li>perftest {@code --report_gbits}: {@code Gb/sec} is 10^9 bits per second — its report
 *       divides by 125,000,000 bytes ({@code format_factor} in {@code print_report_bw},
 *       linux-rdma/perftest {@code src/perftest_parameters.c}), so GB/s = Gb/s ÷ 8;
 *   <li>perftest without it: {@code MB/sec} (header renamed {@code MiB/sec} in perftest 24.07,
 *       commit 1d202bb) is 2^20 bytes per second — the same code divides by {@code 0x100000};
 *   <li>iperf3 {@code -J}: {@code bits_per_second} counts plain bits (its {@code -f} units are for
 *       text output only), so GB/s = bits/s ÷ 8·10^9;
 *   <li>nvbandwidth: already GB/s of 10^9 bytes ({@code * 1e-9} of bytes per second in {@code
 *       memcpy.cpp}).
 * </ul>
 */
public final class RateUnits {

  /** Bytes in perftest's MB (MiB). */
  public static final double PERFTEST_MB_BYTES = 1 << 20;

  private RateUnits() {}

  /** Gigabits per second (10^9 bit) to GB/s. */
  public static double gbitsToGBps(double gbits) {
    return gbits / 8.0;
  }

  /** perftest's MB/sec or MiB/sec (2^20 bytes) to GB/s. */
  public static double mibToGBps(double mib) {
    return mib * PERFTEST_MB_BYTES / 1e9;
  }

  /** Bits per second to GB/s. */
  public static double bitsPerSecondToGBps(double bits) {
    return bits / 8e9;
  }
}
