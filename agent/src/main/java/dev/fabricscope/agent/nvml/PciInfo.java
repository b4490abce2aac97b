package dev.fabricscope.agent.nvml;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * {@code nvmlPciInfo_t} as nvml.h lays it out: {@code char busIdLegacy[16]}, five {@code unsigned
 * int} (domain, bus, device, pciDeviceId, pciSubSystemId), {@code char busId[32]}: 68 bytes, native
 * byte order. Only the bus id is kept: the device and vendor ids are sysfs's too.
 */
final class PciInfo {

  /** Bytes of the struct. */
  static final int SIZE = 16 + 5 * 4 + 32;

  private PciInfo() {}

  /**
   * The bus id as a report BDF ({@code 0000:00:06.0}): NVML writes {@code 00000000:00:06.0}
   * (8-digit domain) in {@code busId}; the report keeps 4 digits unless the domain needs more. Null
   * when the text is not a bus id.
   */
  static String bdf(byte[] struct) {
    ByteBuffer b = ByteBuffer.wrap(struct).order(ByteOrder.nativeOrder());
    int domain = b.getInt(16);
    int bus = b.getInt(20);
    int device = b.getInt(24);
    String busId = cString(struct, 36, 32).toLowerCase(Locale.ROOT);
    if (!busId.matches("[0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]")) {
      return null;
    }
    String function = busId.substring(busId.length() - 1);
    // the numeric fields are what the text says; a mismatch means a struct read at wrong offsets
    String fromFields = String.format("%02x:%02x", bus & 0xff, device & 0xff);
    if (!busId.substring(busId.indexOf(':') + 1, busId.lastIndexOf('.')).equals(fromFields)) {
      return null;
    }
    return (domain > 0xffff ? String.format("%08x", domain) : String.format("%04x", domain))
        + ":"
        + fromFields
        + "."
        + function;
  }

  /** A NUL-terminated string inside a byte array. */
  static String cString(byte[] bytes, int offset, int max) {
    int end = offset;
    while (end < offset + max && end < bytes.length && bytes[end] != 0) {
      end++;
    }
    return new String(bytes, offset, end - offset, StandardCharsets.US_ASCII);
  }
}
