package dev.fabricscope.topology;

/**
 * The PCIe link between a function and its upstream port, from both ends (p2p-rules.md §5).
 *
 * @param current {@code current_link_speed}/{@code current_link_width} of the function
 * @param max {@code max_link_speed}/{@code max_link_width} of the function
 * @param capability LnkCap from config space (root only)
 * @param status LnkSta from config space (root only)
 * @param upstream the same link as the upstream port sees it; null on a root bus
 * @param reportedGBps per-direction bandwidth in GB/s as a foreign tool reported it when speed and
 *     width are not known apart (hwloc's {@code pci_link_speed}); null for sysfs discovery
 */
public record PciLink(
    LinkState current,
    LinkState max,
    LinkState capability,
    LinkState status,
    Upstream upstream,
    Double reportedGBps) {

  /**
   * A link's speed and width.
   *
   * @param speedGTs transfer rate per lane in GT/s (2.5, 5, 8, 16, 32, 64, 128); null if unknown
   * @param width lanes; 0 means the link is down
   */
  public record LinkState(Double speedGTs, Integer width) {}

  /**
   * The upstream port's end of the link.
   *
   * @param bdf the upstream port
   * @param current its current speed/width
   * @param max its maximum speed/width
   */
  public record Upstream(String bdf, LinkState current, LinkState max) {}
}
