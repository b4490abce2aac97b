package dev.fabricscope.sysfs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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

  /** The database as read (UTF-8); never changed. */
  private final byte[] text;

  private final String origin;

  /** Every vendor line and where the class section starts, made on first need. */
  private volatile Index index;

  /** Vendor id → offset of its line, or -1: the lookups made so far. */
  private final Map<Integer, Integer> vendorAt = new ConcurrentHashMap<>();

  /** Vendor id → offset where its block of device lines ends. */
  private final Map<Integer, Integer> blockEnds = new ConcurrentHashMap<>();

  private final Map<Integer, Map<Integer, String>> devicesOf = new ConcurrentHashMap<>();
  private volatile Map<String, Integer> classes;
  private volatile Map<String, Integer> vendorsByName;
  private volatile Map<String, Integer> devicesByName;

  /**
   * Vendor id → offset of its line (the first, should one repeat); offset of the device class
   * section ("C xx" lines), or {@code text.length} without one.
   */
  private record Index(Map<Integer, Integer> vendorLines, int classSection) {}

  private PciIds(byte[] text, String origin) {
    this.text = text;
    this.origin = origin;
  }

  /** Every vendor line, read once: for ids bisection did not find, and for the lookups by name. */
  private Index index() {
    Index i = index;
    if (i == null) {
      Map<Integer, Integer> vendors = new HashMap<>(4096);
      int classAt = text.length;
      for (int at = 0; at < text.length; at = nextLine(at)) {
        if (text[at] == 'C' && at + 1 < text.length && text[at + 1] == ' ') {
          classAt = at; // the device class section follows the vendors
          break;
        }
        if (isVendorLine(at)) {
          vendors.putIfAbsent(hex(at, 4), at);
        }
      }
      index = i = new Index(vendors, classAt);
    }
    return i;
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
    return at < 0 ? null : name(at + 4);
  }

  /** Device name, or null when the id is not in the database. */
  public String device(int vendorId, int deviceId) {
    int at = vendorLine(vendorId);
    if (at < 0 || deviceId < 0 || deviceId > 0xffff) {
      return null;
    }
    int from = nextLine(at);
    int to = blockEnds.computeIfAbsent(vendorId, v -> blockEnd(from));
    int line = bisect(from, to, deviceId, true);
    if (line < 0) {
      // not there, or the block is out of order: read its lines (ids only, no names)
      for (line = from; line < to && !(isDeviceLine(line) && hex(line + 1, 4) == deviceId); ) {
        line = nextLine(line);
      }
    }
    return line < to ? name(line + 5) : null;
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
    int at = bisect(0, text.length, vendorId, false);
    if (at < 0) {
      at = index().vendorLines().getOrDefault(vendorId, -1);
    }
    vendorAt.put(vendorId, at);
    return at;
  }

  /**
   * The line in {@code [from, to)} of a vendor ({@code device} false) or device of one vendor's
   * block ({@code device} true) with id {@code id}, by bisection over the lines of that kind in
   * ascending order; -1 when not found so. Every probe reads on from a byte offset to the next line
   * of the kind: those before {@code mid} are in the lower half, ids above {@code id} after.
   */
  private int bisect(int from, int to, int id, boolean device) {
    int lo = from;
    int hi = to;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      int line = mid == lo ? lo : nextLine(mid - 1);
      while (line < hi && !(device ? isDeviceLine(line) : isVendorLine(line))) {
        line = nextLine(line);
      }
      if (line >= hi) {
        hi = mid; // no line of the kind from mid on: the id, if here, is before mid
        continue;
      }
      int found = device ? hex(line + 1, 4) : hex(line, 4);
      if (found == id) {
        return line;
      }
      if (found < id) {
        lo = nextLine(line);
      } else {
        hi = mid;
      }
    }
    return -1;
  }

  /** Where the device lines that start at {@code from} end: the next line of another kind. */
  private int blockEnd(int from) {
    int line = from;
    while (line < text.length && text[line] != 'C') {
      byte c = text[line];
      if (c != '\t' && c != '#' && c != '\n' && c != '\r') {
        break; // the next vendor
      }
      line = nextLine(line);
    }
    return line;
  }

  /** "vvvv name" at the start of a line: a vendor (not a comment, class or indented line). */
  private boolean isVendorLine(int at) {
    byte c = text[at];
    return c != '\t' && c != '#' && hex(at, 4) >= 0;
  }

  /** "\tdddd name": a device of the vendor above (not a "\t\t" subsystem line). */
  private boolean isDeviceLine(int at) {
    return text[at] == '\t' && at + 1 < text.length && text[at + 1] != '\t' && hex(at + 1, 4) >= 0;
  }

  /** The device lines ("\tdddd name") of one vendor's block, read once. */
  private Map<Integer, String> devicesOf(int vendorId) {
    Map<Integer, String> devices = devicesOf.get(vendorId);
    if (devices == null) {
      int at = vendorLine(vendorId);
      devices = new HashMap<>();
      if (at >= 0) {
        int end = blockEnds.computeIfAbsent(vendorId, v -> blockEnd(nextLine(at)));
        for (int line = nextLine(at); line < end; line = nextLine(line)) {
          if (isDeviceLine(line)) {
            devices.put(hex(line + 1, 4), name(line + 5));
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
    for (int line = index().classSection(); line < text.length; line = nextLine(line)) {
      if (text[line] == 'C' && line + 1 < text.length && text[line + 1] == ' ') {
        baseClass = hex(line + 2, 2);
      } else if (baseClass >= 0 && text[line] == '\t' && line + 1 < text.length) {
        int sub = text[line + 1] == '\t' ? -1 : hex(line + 1, 2);
        if (sub >= 0 && lineEnd(line) - line > 4) {
          // a name used by two subclasses maps to -1: ambiguous, not guessed
          byName.merge(name(line + 3), (baseClass << 8) | sub, (a, b) -> -1);
        }
      }
    }
    return byName;
  }

  /**
   * The vendor whose pci.ids name is the longest prefix (ending at a space) of {@code text}, as
   * lspci prints "vendor device" without ids; null when none is, or the name is ambiguous.
   */
  public Map.Entry<Integer, String> vendorPrefix(String text) {
    Map<String, Integer> byName = vendorsByName;
    if (byName == null) {
      Map<Integer, Integer> vendorLines = index().vendorLines();
      Map<String, Integer> m = new HashMap<>(vendorLines.size() * 2);
      vendorLines.forEach((id, at) -> m.merge(name(at + 4), id, (a, b) -> -1));
      vendorsByName = byName = m;
    }
    for (int i = text.length(); i > 0; i = text.lastIndexOf(' ', i - 1)) {
      String prefix = text.substring(0, i);
      Integer id = byName.get(prefix);
      if (id != null && id >= 0 && (i == text.length() || text.charAt(i) == ' ')) {
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
      for (int vendor : index().vendorLines().keySet()) {
        devicesOf(vendor).forEach((id, n) -> m.merge(vendor + "\0" + n, id, (a, b) -> -1));
      }
      devicesByName = byName = m;
    }
    Integer id = byName.get(vendorId + "\0" + name);
    return id == null ? -1 : id;
  }

  /** The hex number of {@code digits} digits at {@code at}; -1 when they are not all hex. */
  private int hex(int at, int digits) {
    if (at + digits > text.length) {
      return -1;
    }
    int v = 0;
    for (int i = at; i < at + digits; i++) {
      int d = Character.digit(text[i], 16);
      if (d < 0) {
        return -1;
      }
      v = (v << 4) | d;
    }
    return v;
  }

  /** The rest of the line from {@code at}, trimmed (UTF-8: pci.ids names accented vendors). */
  private String name(int at) {
    int end = lineEnd(at);
    return at >= end ? "" : new String(text, at, end - at, StandardCharsets.UTF_8).trim();
  }

  private int lineEnd(int at) {
    int i = at;
    while (i < text.length && text[i] != '\n') {
      i++;
    }
    return i;
  }

  private int nextLine(int at) {
    return Math.min(text.length, lineEnd(at) + 1);
  }
}
