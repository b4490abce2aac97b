package dev.fabricscope.bandwidth;

/**
 * What a test's path should carry.
 *
 * @param gbps expected GB/s (10^9 bytes per second), null when nothing is known
 * @param bottleneck the limiting hop (a BDF's upstream link, {@code rdma:mlx5_0:1}, {@code
 *     numa:0}), null when unknown
 * @param basis one line: the link or rate, the efficiency and where it comes from, or why nothing
 *     is expected
 */
public record Expectation(Double gbps, String bottleneck, String basis) {

  /** Nothing expected, with the reason. */
  public static Expectation unknown(String why) {
    return new Expectation(null, null, why);
  }
}
