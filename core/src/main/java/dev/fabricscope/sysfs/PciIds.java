package dev.fabricscope.sysfs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPInputStream;

/**
 * Vendor and device names from the pci.ids database (the file pciutils' lspci uses). The host's
 * copy ({@code /usr/share/misc/pci.ids}, {@code /usr/share/hwdata/pci.ids}) is preferred; else the
 * copy bundled with fabricscope (Debian package {@code pci.ids}, dual GPL-2.0+/BSD-3-Clause). Read
 * once per process and kept as its bytes.
 *
 * <p>A lookup bisects the file: pci.ids lists vendors in ascending order of id, and each vendor's
 * devices too, so a vendor line and a device line are found by reading a few lines at about 17
 * points of the file instead of all of its 36,000 lines. Reading them all up front cost a cold
 * {@code topo} about 60 ms, and an index of the vendor lines still 5-10 ms (issue 11). A line found
 * this way is the id's own line whatever the order of the rest; an id not found this way (a file
 * out of order, an id pci.ids does not have) is looked up in an index of every vendor line, made on
 * first need, and in its vendor's block line by line, as before. Reverse lookups by name serve
 * importers of lspci text, which prints names instead of ids (without {@code -nn}).
 */
public final class PciIds {

  /** Where pciutils and hwdata install the database. */
  public static final List<Path> HOST_FILES =
      List.of(
          Path.of("/usr/share/misc/pci.ids"),
          Path.of("/usr/share/hwdata/pci.ids"),
          Path.of("/usr/share/pci.ids"));

  private static final String BUNDLED = "/dev/fabricscope/sysfs/pci.ids.gz";
  private static volatile PciIds shared;

  /** The database as read, with the ways to find its lines. */
  private final PciIdsLines text;

  private final String origin;

  /** Vendor id → offset of its line, or -1: the lookups made so far. */
  private final Map<Integer, Integer> vendorAt = new ConcurrentHashMap<>();

  /** (vendor id << 16 | device id) → offset of the device's line, or -1: the lookups so far. */
  private final Map<Integer, Integer> deviceAt = new ConcurrentHashMap<>();

  private final Map<Integer, Map<Integer, String>> devicesOf = new ConcurrentHashMap<>();
  private volatile Map<String, Integer> classes;
  private volatile Map<String, Integer> vendorsByName;
  // written before vendorsByName is published, so read after it
  private int longestVendorName;
  private volatile Map<String, Integer> devicesByName;

  private PciIds(byte[] text, String origin) {
    this.text = new PciIdsLines(text);
    this.origin = origin;
  }

  /** The database of this machine (or the bundled copy), loaded once. */
  public static PciIds shared() {
    PciIds ids = shared;
    if (ids == null) {
      synchronized (PciIds.class) {
        if (shared == null) {
          shared = load();
        }
        ids = shared;
      }
    }
    return ids;
  }

  private static PciIds load() {
    for (Path p : HOST_FILES) {
      if (Files.isReadable(p)) {
        try (InputStream in = Files.newInputStream(p)) {
          return parse(in, p.toString());
        } catch (IOException e) {
          // fall through to the next file, then to the bundled copy
        }
      }
    }
    return bundled();
  }

  /** The copy bundled in the jar. */
  public static PciIds bundled() {
    try (InputStream raw = PciIds.class.getResourceAsStream(BUNDLED)) {
      if (raw == null) {
        return new PciIds(new byte[0], "none");
      }
      return parse(new GZIPInputStream(raw, 1 << 16), "bundled pci.ids");
    } catch (IOException e) {
      return new PciIds(new byte[0], "none");
    }
  }

  /** The database in {@code in} (pci.ids format), read to its end. */
  static PciIds parse(InputStream in, String origin) throws IOException {
    return new PciIds(in.readAllBytes(), origin);
  }

  /** Which file the names came from. */
  public String origin() {
    return origin;
  }

  /** Vendor name, or null when the id is not in the database. */
  public String vendor(int vendorId) {
    int at = vendorLine(vendorId);
    return at < 0 ? null : text.name(at + 4);
  }

  /** Device name, or null when the id is not in the database. */
  public String device(int vendorId, int deviceId) {
    if (deviceId < 0 || deviceId > 0xffff) {
      return null;
    }
    int line =
        deviceAt.computeIfAbsent((vendorId << 16) | deviceId, k -> deviceLine(vendorId, deviceId));
    return line < 0 ? null : text.name(line + 5);
  }

  /** Offset of the device's line under its vendor, or -1. */
  private int deviceLine(int vendorId, int deviceId) {
    int at = vendorLine(vendorId);
    if (at < 0) {
      return -1;
    }
    int from = text.nextLine(at);
    int to = text.blockEnd(from);
    int line = text.bisect(from, to, deviceId, true);
    if (line < 0) {
      // not there, or the block is out of order: read its lines (ids only, no names); a host
      // asks again for every function of a model pci.ids lacks, hence the map above
      for (line = from;
          line < to && !(text.isDeviceLine(line) && text.hex(line + 1, 4) == deviceId); ) {
        line = text.nextLine(line);
      }
    }
    return line < to ? line : -1;
  }

  /** Offset of the vendor's line, or -1 when pci.ids does not have the id. */
  private int vendorLine(int vendorId) {
    // 0x0000 is assigned to no vendor, and pci.ids has no such line; hosts report it (hwloc
    // exports a function it could not read as 0000:0000), and each would cost the full pass below
    if (vendorId <= 0 || vendorId > 0xffff) {
      return -1;
    }
    Integer known = vendorAt.get(vendorId);
    if (known != null) {
      return known;
    }
    int at = text.bisect(0, text.length(), vendorId, false);
    if (at < 0) {
      at = text.index().vendorLines().getOrDefault(vendorId, -1);
    }
    vendorAt.put(vendorId, at);
    return at;
  }

  /** The device lines ("\tdddd name") of one vendor's block, read once. */
  private Map<Integer, String> devicesOf(int vendorId) {
    Map<Integer, String> devices = devicesOf.get(vendorId);
    if (devices == null) {
      int at = vendorLine(vendorId);
      devices = new HashMap<>();
      if (at >= 0) {
        int end = text.blockEnd(text.nextLine(at));
        for (int line = text.nextLine(at); line < end; line = text.nextLine(line)) {
          if (text.isDeviceLine(line)) {
            devices.put(text.hex(line + 1, 4), text.name(line + 5));
          }
        }
      }
      devicesOf.put(vendorId, devices);
    }
    return devices;
  }

  /**
   * The 16-bit class (base class and subclass) lspci names this way, e.g. {@code "VGA compatible
   * controller"} → 0x0300; -1 when unknown or ambiguous.
   */
  public int classByName(String subclassName) {
    Map<String, Integer> byName = classes;
    if (byName == null) {
      classes = byName = readClasses();
    }
    Integer c = subclassName == null ? null : byName.get(subclassName.trim());
    return c == null ? -1 : c;
  }

  /** "C 03 Display controller" then "\t02 3D controller": lspci prints subclass names. */
  private Map<String, Integer> readClasses() {
    Map<String, Integer> byName = new HashMap<>(512);
    int baseClass = -1;
    for (int line = text.index().classSection(); line < text.length(); line = text.nextLine(line)) {
      if (text.at(line) == 'C' && line + 1 < text.length() && text.at(line + 1) == ' ') {
        baseClass = text.hex(line + 2, 2);
      } else if (baseClass >= 0 && text.at(line) == '\t' && line + 1 < text.length()) {
        int sub = text.at(line + 1) == '\t' ? -1 : text.hex(line + 1, 2);
        if (sub >= 0 && text.lineEnd(line) - line > 4) {
          // a name used by two subclasses maps to -1: ambiguous, not guessed
          byName.merge(text.name(line + 3), (baseClass << 8) | sub, (a, b) -> -1);
        }
      }
    }
    return byName;
  }

  /**
   * The vendor whose pci.ids name is the longest prefix (ending at a space) of {@code printed}, as
   * lspci prints "vendor device" without ids; null when none is, or the name is ambiguous.
   */
  public Map.Entry<Integer, String> vendorPrefix(String printed) {
    Map<String, Integer> byName = vendorsByName;
    if (byName == null) {
      Map<Integer, Integer> vendorLines = text.index().vendorLines();
      Map<String, Integer> m = new HashMap<>(vendorLines.size() * 2);
      vendorLines.forEach((id, at) -> m.merge(text.name(at + 4), id, (a, b) -> -1));
      longestVendorName = m.keySet().stream().mapToInt(String::length).max().orElse(0);
      vendorsByName = byName = m;
    }
    // only prefixes as long as some vendor name: trying every space of a long hostile entry,
    // each with a substring of its own, was O(n²)
    int longest = longestVendorName;
    int first = printed.length() <= longest ? printed.length() : printed.lastIndexOf(' ', longest);
    for (int i = first; i > 0; i = printed.lastIndexOf(' ', i - 1)) {
      String prefix = printed.substring(0, i);
      Integer id = byName.get(prefix);
      if (id != null && id >= 0 && (i == printed.length() || printed.charAt(i) == ' ')) {
        return Map.entry(id, prefix);
      }
      if (i - 1 < 0) {
        break;
      }
    }
    return null;
  }

  /** The device id pci.ids gives this name under a vendor; -1 when unknown or ambiguous. */
  public int deviceByName(int vendorId, String name) {
    Map<String, Integer> byName = devicesByName;
    if (byName == null) {
      Map<String, Integer> m = new HashMap<>(1 << 16);
      for (int vendor : text.index().vendorLines().keySet()) {
        devicesOf(vendor).forEach((id, n) -> m.merge(vendor + "\0" + n, id, (a, b) -> -1));
      }
      devicesByName = byName = m;
    }
    Integer id = byName.get(vendorId + "\0" + name);
    return id == null ? -1 : id;
  }
}
