package dev.fabricscope.bandwidth;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes as users write them ({@code 256M}, {@code 1G}, {@code 4096}): binary multiples (K = 2^10, M
 * = 2^20, G = 2^30), as mbw's MiB and nvbandwidth's buffer sizes are.
 */
public final class ByteSizes {

  private static final Pattern SIZE = Pattern.compile("([0-9]{1,12})([KMG]i?B?|B)?");

  private ByteSizes() {}

  /**
   * Reads a size.
   *
   * @throws IllegalArgumentException with a one-line reason
   */
  public static long parse(String text) {
    Matcher m = text == null ? null : SIZE.matcher(text);
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException(
          "size '" + Endpoint.printable(text) + "' is not a number with an optional K, M or G");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "B" : m.group(2).substring(0, 1);
    int shift =
        switch (unit) {
          case "K" -> 10;
          case "M" -> 20;
          case "G" -> 30;
          default -> 0;
        };
    if (n > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException("size '" + text + "' is too large");
    }
    return n << shift;
  }

  /** A size in the largest unit that divides it ({@code 268435456} → {@code 256M}). */
  public static String format(long bytes) {
    if (bytes > 0 && bytes % (1L << 30) == 0) {
      return (bytes >> 30) + "G";
    }
    if (bytes > 0 && bytes % (1L << 20) == 0) {
      return (bytes >> 20) + "M";
    }
    if (bytes > 0 && bytes % (1L << 10) == 0) {
      return (bytes >> 10) + "K";
    }
    return Long.toString(bytes);
  }
}
