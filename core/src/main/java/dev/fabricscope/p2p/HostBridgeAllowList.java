package dev.fabricscope.p2p;

import java.util.List;

/**
 * The kernel's P2PDMA host-bridge allow-list, every row of p2p-rules.md §2.5 ({@code
 * drivers/pci/p2pdma.c} {@code pci_p2pdma_whitelist}, newest snapshots). A row matches the root
 * bus's representative function; {@code sameHostBridgeOnly} is the kernel's REQ_SAME_HOST_BRIDGE
 * flag. Rows are NUMA-blind: flag-0 rows allow P2P across sockets.
 */
public final class HostBridgeAllowList {

  /** A row: vendor, device (-1 = any), flag, and the kernel's comment. */
  public record Row(int vendor, int device, boolean sameHostBridgeOnly, String platform) {}

  /** Every row, in table order: the first row matching vendor and device decides. */
  public static final List<Row> ROWS =
      List.of(
          new Row(0x8086, 0x3c00, true, "Xeon E5 / Core i7 (Sandy Bridge-E DMI2)"),
          new Row(0x8086, 0x3c01, true, "Xeon E5 / Core i7 (Sandy Bridge-E PCIe mode)"),
          new Row(0x8086, 0x6f00, true, "Xeon E7/E5/E3 v4, Xeon D (Broadwell)"),
          new Row(0x8086, 0x2f00, true, "Xeon E7 v3 / E5 v3 / Core i7 (Haswell-E)"),
          new Row(0x8086, 0x2f01, true, "Xeon E7 v3 / E5 v3 / Core i7 (Haswell-E)"),
          new Row(0x8086, 0x0c08, true, "Intel Haswell (client)"),
          new Row(0x8086, 0x2030, false, "Sky Lake-E Root Port A"),
          new Row(0x8086, 0x2031, false, "Sky Lake-E Root Port B"),
          new Row(0x8086, 0x2032, false, "Sky Lake-E Root Port C"),
          new Row(0x8086, 0x2033, false, "Sky Lake-E Root Port D"),
          new Row(0x8086, 0x2020, false, "Sky Lake-E host device (DMI3)"),
          new Row(0x8086, 0x09a2, false, "3rd Gen Xeon Scalable (Ice Lake-SP)"),
          new Row(0x8086, 0x0b25, false, "Sapphire Rapids DSA"),
          new Row(0x8086, 0x0cfe, false, "Sapphire Rapids IAX"),
          new Row(0x8086, 0x11fb, false, "Granite Rapids-D DSA"),
          new Row(0x8086, 0x1212, false, "Diamond Rapids DSA"),
          new Row(0x8086, 0x1216, false, "Diamond Rapids IAA"),
          new Row(0x8086, 0x4940, false, "QuickAssist 4xxx"),
          new Row(0x8086, 0x4942, false, "QuickAssist 401xx"),
          new Row(0x8086, 0x4944, false, "QuickAssist 402xx"),
          new Row(0x8086, 0x4946, false, "QuickAssist 420xx"),
          new Row(0x8086, 0x4948, false, "QuickAssist 6xxx"),
          new Row(0x1ae0, -1, false, "Google SoCs"),
          new Row(0x10de, 0x2f95, false, "NVIDIA Vera"),
          new Row(0x10de, 0x2f96, false, "NVIDIA Vera"),
          new Row(0x10de, 0x2f97, false, "NVIDIA Vera"),
          new Row(0x10de, 0x2f98, false, "NVIDIA Vera"),
          new Row(0x1d17, 0x1003, true, "Zhaoxin KX-6000"),
          new Row(0x1d17, 0x1005, true, "Zhaoxin KH-40000"),
          new Row(0x1d17, 0x1006, true, "Zhaoxin KX-6000G"),
          new Row(0x1d17, 0x1007, true, "Zhaoxin KX-7000"),
          new Row(0x1d17, 0x1008, false, "Zhaoxin KH-50000"),
          new Row(0x1ded, 0x8000, false, "Alibaba T-HEAD Yitian 710"));

  private HostBridgeAllowList() {}

  /** The first row for this representative, or null: no row means not allowed. */
  public static Row find(int vendor, int device) {
    for (Row r : ROWS) {
      if (r.vendor() == vendor && (r.device() == -1 || r.device() == device)) {
        return r;
      }
    }
    return null;
  }

  /**
   * The kernel's {@code __host_bridge_whitelist}: allowed when a row matches, unless the row
   * requires the same host bridge and the pair spans two.
   */
  public static boolean allowed(int vendor, int device, boolean sameHostBridge) {
    Row r = find(vendor, device);
    return r != null && (sameHostBridge || !r.sameHostBridgeOnly());
  }
}
