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
 * once per process and kept as its bytes with an index of the vendor lines; a vendor's device lines
 * are read on the first lookup under that vendor, and the class section on the first class lookup.
 * Parsing all 36,000 lines up front cost a cold command line about 60 ms (issue 11), for a host
 * that names a few dozen devices. Reverse lookups by name serve importers of lspci text, which
 * prints names instead of ids (without {@code -nn}).
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

  /** Vendor id → offset of its line; the vendor's block runs to the next top-level line. */
  private final Map<Integer, Integer> vendorLines;

  /** Offset of the device class section ("C xx" lines), or {@code text.length} without one. */
  private final int classSection;

  private final String origin;
  private final Map<Integer, Map<Integer, String>> devicesOf = new ConcurrentHashMap<>();
  private volatile Map<String, Integer> classes;
  private volatile Map<String, Integer> vendorsByName;
  private volatile Map<String, Integer> devicesByName;

  private PciIds(byte[] text, String origin) {
    this.text = text;
    this.origin = origin;
    Map<Integer, Integer> vendors = new HashMap<>(4096);
    int classAt = text.length;
    for (int at = 0; at < text.length; at = nextLine(at)) {
      byte c = text[at];
      if (c == 'C' && at + 1 < text.length && text[at + 1] == ' ') {
        classAt = at; // the device class section follows the vendors
        break;
      }
      int vendor = c == '\t' || c == '#' ? -1 : hex(at, 4);
      if (vendor >= 0) {
        vendors.putIfAbsent(vendor, at);
      }
    }
    this.vendorLines = vendors;
    this.classSection = classAt;
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
    Integer at = vendorLines.get(vendorId);
    return at == null ? null : name(at + 4);
  }

  /** Device name, or null when the id is not in the database. */
  public String device(int vendorId, int deviceId) {
    return devicesOf(vendorId).get(deviceId);
  }

  /** The device lines ("\tdddd name") of one vendor's block, read once. */
  private Map<Integer, String> devicesOf(int vendorId) {
    Map<Integer, String> devices = devicesOf.get(vendorId);
    if (devices == null) {
      Integer at = vendorLines.get(vendorId);
      devices = new HashMap<>();
      if (at != null) {
        for (int line = nextLine(at); line < text.length && text[line] != 'C'; ) {
          byte c = text[line];
          if (c != '\t' && c != '#' && c != '\n' && c != '\r') {
            break; // the next vendor
          }
          if (c == '\t' && line + 1 < text.length && text[line + 1] != '\t') {
            int device = hex(line + 1, 4);
            if (device >= 0) {
              devices.put(device, name(line + 5));
            }
          }
          line = nextLine(line);
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
    for (int line = classSection; line < text.length; line = nextLine(line)) {
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
      for (int vendor : vendorLines.keySet()) {
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
