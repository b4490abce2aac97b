package dev.fabricscope.sysfs;

/** Parses PCIe link speed strings and register encodings (p2p-rules.md §5.1 and §6.4). */
public final class LinkSpeeds {

  private LinkSpeeds() {}

  /**
   * Parses a sysfs link speed: {@code "8.0 GT/s PCIe"} (kernel ≥ 5.7), {@code "8 GT/s"} (≤ 5.6),
   * {@code "2.5 GT/s"}. Returns null for {@code "Unknown"}, {@code "Unknown speed"} or garbage.
   *
   * @return GT/s per lane
   */
  public static Double parseSysfs(String text) {
    if (text == null) {
      return null;
    }
    String s = text.trim();
    if (s.endsWith(" PCIe")) {
      s = s.substring(0, s.length() - 5).trim();
    }
    int gt = s.indexOf("GT/s");
    if (gt <= 0) {
      return null;
    }
    try {
      double v = Double.parseDouble(s.substring(0, gt).trim());
      return v > 0 ? v : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * The speed encoded in LnkCap/LnkSta bits 3:0 (1 = 2.5 GT/s ... 7 = 128 GT/s).
   *
   * @return GT/s per lane, or null for reserved encodings
   */
  public static Double fromRegister(int code) {
    return switch (code) {
      case 1 -> 2.5;
      case 2 -> 5.0;
      case 3 -> 8.0;
      case 4 -> 16.0;
      case 5 -> 32.0;
      case 6 -> 64.0;
      case 7 -> 128.0;
      default -> null;
    };
  }
}
