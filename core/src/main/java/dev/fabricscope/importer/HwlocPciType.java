package dev.fabricscope.importer;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * hwloc's {@code pci_type} attribute, {@code "0302 [10de:1db1] [10de:1212] a1"}: class, vendor and
 * device, subsystem vendor and device, revision (hwloc's {@code topology-xml.c}). hwloc 3.0 adds
 * the programming interface after the class; before it the class id is 16 bits (base class and
 * subclass).
 *
 * @param vendorId {@code 0x10de}
 * @param deviceId {@code 0x1db1}
 * @param subVendorId subsystem vendor, {@code 0x10de}
 * @param subDeviceId subsystem device, {@code 0x1212}
 * @param revision {@code 0xa1}
 * @param classCode four hex digits ({@code 0x0302}) before hwloc 3.0, six with the prog-if after
 * @param class16 base class and subclass as a number ({@code 0x0302})
 */
record HwlocPciType(
    String vendorId,
    String deviceId,
    String subVendorId,
    String subDeviceId,
    String revision,
    String classCode,
    int class16) {

  private static final Pattern PCI_TYPE =
      Pattern.compile(
          "([0-9a-fA-F]{4}) \\[([0-9a-fA-F]{4}):([0-9a-fA-F]{4})\\]"
              + " \\[([0-9a-fA-F]{4}):([0-9a-fA-F]{4})\\] ([0-9a-fA-F]{2})(?: ([0-9a-fA-F]{2}))?");

  /** Whether the class lacks its programming interface (written before hwloc 3.0). */
  boolean withoutProgIf() {
    return classCode.length() == 6;
  }

  /** The attribute read, or null when it is missing or unreadable. */
  static HwlocPciType parse(String pciType) {
    Matcher m = pciType == null ? null : PCI_TYPE.matcher(pciType);
    if (m == null || !m.lookingAt()) {
      return null;
    }
    return new HwlocPciType(
        "0x" + m.group(2).toLowerCase(),
        "0x" + m.group(3).toLowerCase(),
        "0x" + m.group(4).toLowerCase(),
        "0x" + m.group(5).toLowerCase(),
        "0x" + m.group(6).toLowerCase(),
        // before 3.0 hwloc wrote base class and subclass only (its class_id is 16 bits): kept as
        // four hex digits, prog-if unknown, so the class survives an export (it used to be dropped
        // and every device came back as "ffff", shown by lstopo as "Other")
        "0x" + (m.group(1) + (m.group(7) == null ? "" : m.group(7))).toLowerCase(),
        Integer.parseInt(m.group(1), 16));
  }
}
