package dev.fabricscope.agent.bandwidth.memory;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * One limit on the host memory a test may take, as read a moment ago: the cgroup's, the host's
 * {@code MemAvailable}, or one NUMA node's {@code MemFree}.
 *
 * @param freeBytes bytes still free under this limit; null when the limit is unknown or there is
 *     none, and then it is skipped (the {@code detail} says why)
 * @param detail the limit as a refusal names it ({@code cgroup limit 512 MiB, 80 MiB in use}), or
 *     why it is skipped ({@code no cgroup memory limit})
 */
public record MemoryBound(Long freeBytes, String detail) {

  /** A limit that holds, with what it is. */
  public static MemoryBound of(long freeBytes, String detail) {
    return new MemoryBound(Math.max(0, freeBytes), detail);
  }

  /** A limit that does not apply, with why. */
  public static MemoryBound skipped(String why) {
    return new MemoryBound(null, why);
  }

  /** Whether the limit is known and applies. */
  public boolean known() {
    return freeBytes != null;
  }

  /**
   * A size in binary units, as people read memory sizes ({@code 512 MiB}, {@code 19.9 GiB}, {@code
   * 300 B}), rounded down to one decimal where the unit does not divide it: what is available is
   * never overstated.
   */
  public static String iec(long bytes) {
    return iec(bytes, false);
  }

  /** As {@link #iec(long)}, rounded up: a need is never understated ({@code 32.1 MiB}, not 32). */
  public static String iecUp(long bytes) {
    return iec(bytes, true);
  }

  private static String iec(long bytes, boolean up) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    int u = 0;
    while (u < units.length - 1 && bytes >= 1L << (10 * (u + 1))) {
      u++;
    }
    // exact: a power of two divides into a terminating decimal (a double would show 32 MiB + 64 B
    // as 32)
    String n =
        new BigDecimal(bytes)
            .divide(BigDecimal.valueOf(1L << (10 * u)))
            .setScale(1, up ? RoundingMode.CEILING : RoundingMode.FLOOR)
            .stripTrailingZeros()
            .toPlainString();
    return n + " " + units[u];
  }
}
