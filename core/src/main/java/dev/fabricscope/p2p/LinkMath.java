package dev.fabricscope.p2p;

import dev.fabricscope.topology.PciLink;
import dev.fabricscope.topology.PciLink.LinkState;

/**
 * PCIe link arithmetic, p2p-rules.md §5: bandwidth per direction after line encoding, and the
 * planner's usable estimate {@code lanes × post-encoding rate × MPS/(MPS+26) × 0.95} (26 bytes of
 * TLP overhead for a 4DW header on Gen3–5; Gen6+ FLIT mode carries 236 TLP bytes per 256-byte
 * flit).
 */
public final class LinkMath {

  /** Max payload size assumed when config space could not tell (the common server setting). */
  public static final int DEFAULT_MPS = 256;

  private LinkMath() {}

  /**
   * Bandwidth per direction after encoding, in GB/s: 8b/10b for 2.5 and 5 GT/s, 128b/130b for 8 to
   * 32 GT/s, FLIT (no line-code loss) from 64 GT/s.
   *
   * @param gts per-lane rate in GT/s
   * @param lanes link width
   */
  public static double rawGBps(double gts, int lanes) {
    double encoding = gts <= 5.0 ? 0.8 : gts <= 32.0 ? 128.0 / 130.0 : 1.0;
    return gts * encoding * lanes / 8.0;
  }

  /** The planner's usable write bandwidth for a raw rate and max payload size (§5). */
  public static double usableGBps(double rawGBps, double gts, int mpsBytes) {
    double payload = gts >= 64.0 ? 236.0 / 256.0 : mpsBytes / (mpsBytes + 26.0);
    return rawGBps * payload * 0.95;
  }

  /** Rounds to two decimals for reports. */
  public static double round2(double v) {
    return Math.round(v * 100.0) / 100.0;
  }

  /**
   * The width a link can train (§5.2): the lower of the maximum widths of its two ends, the
   * function's own and its upstream port's; null when neither is known.
   */
  public static Integer capableWidth(PciLink l) {
    return lower(width(l.max()), l.upstream() == null ? null : width(l.upstream().max()));
  }

  /** The speed a link can train (§5.2), in GT/s: the lower of its two ends' maximum speeds. */
  public static Double capableSpeed(PciLink l) {
    return lower(speed(l.max()), l.upstream() == null ? null : speed(l.upstream().max()));
  }

  /** The lower of two values, either of which may be unknown (null): then the other one. */
  public static <T extends Comparable<T>> T lower(T a, T b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static Integer width(LinkState s) {
    return s == null || s.width() == null || s.width() <= 0 ? null : s.width();
  }

  private static Double speed(LinkState s) {
    return s == null ? null : s.speedGTs();
  }
}
