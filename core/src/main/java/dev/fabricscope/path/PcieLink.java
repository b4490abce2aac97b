package dev.fabricscope.path;

import dev.fabricscope.p2p.Bottleneck;

/**
 * One PCIe link: a function and the port above it (p2p-rules.md §5.2: a link is read at its
 * downstream end). Speeds are per lane in GT/s; bandwidths are GB/s (10^9 B/s) per direction, from
 * {@link dev.fabricscope.p2p.LinkMath} (raw = after line encoding, planner-facts.md §3; usable =
 * after TLP overhead at the function's MPS). Null means the report does not say.
 *
 * @param downstream BDF of the function whose upstream link this is
 * @param upstream BDF of the port above it; the root bus ({@code pci0000:16}) for a function on a
 *     root bus
 * @param capableGTs the smaller of both ends' maximum speed
 * @param capableWidth the smaller of both ends' maximum width, lanes
 * @param currentGTs the trained speed (sysfs {@code current_link_speed}, else LnkSta)
 * @param currentWidth the trained width, lanes
 * @param rawGBps bandwidth per direction after encoding at the trained (else maximum) rate; an
 *     hwloc import's {@code pci_link_speed} when speed and width are not known apart
 * @param usableGBps the planner's estimate after TLP overhead, §5
 * @param state whether the link trained to what both ends can do
 */
public record PcieLink(
    String downstream,
    String upstream,
    Double capableGTs,
    Integer capableWidth,
    Double currentGTs,
    Integer currentWidth,
    Double rawGBps,
    Double usableGBps,
    State state) {

  /** How a link trained, §5.2. */
  public enum State {
    /** Current speed and width are what both ends can do (or nothing more is known). */
    OK,
    /** Fewer lanes than both ends have: bandwidth is cut; a reseat or slot problem. */
    DOWNTRAINED,
    /** Slower than capable: often ASPM power saving at idle; check again under load. */
    BELOW_CAPABLE_SPEED,
    /** The current speed or width is not in the report. */
    UNKNOWN
  }

  /** The link as the p2p rules' bottleneck value; null when its rate is unknown. */
  public Bottleneck bottleneck() {
    return rawGBps == null ? null : new Bottleneck(downstream, rawGBps, usableGBps);
  }
}
