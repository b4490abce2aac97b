package dev.fabricscope.sysfs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Vendor and device names from the pci.ids database (the file pciutils' lspci uses). The host's
 * copy ({@code /usr/share/misc/pci.ids}, {@code /usr/share/hwdata/pci.ids}) is preferred; else the
 * copy bundled with fabricscope (Debian package {@code pci.ids}, dual GPL-2.0+/BSD-3-Clause).
 * Parsed once per process; vendor, device and (sub)class lines are kept. Reverse lookups by name
 * serve importers of lspci text, which prints names instead of ids (without {@code -nn}).
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

  private final Map<Integer, String> vendors;
  private final Map<Integer, String> devices;
  private final Map<String, Integer> classes;
  private final String origin;
  private volatile Map<String, Integer> vendorsByName;
  private volatile Map<String, Integer> devicesByName;

  private PciIds(
      Map<Integer, String> vendors,
      Map<Integer, String> devices,
      Map<String, Integer> classes,
      String origin) {
    this.vendors = vendors;
    this.devices = devices;
    this.classes = classes;
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
        return new PciIds(Map.of(), Map.of(), Map.of(), "none");
      }
      return parse(new GZIPInputStream(raw), "bundled pci.ids");
    } catch (IOException e) {
      return new PciIds(Map.of(), Map.of(), Map.of(), "none");
    }
  }

  static PciIds parse(InputStream in, String origin) throws IOException {
    Map<Integer, String> vendors = new HashMap<>(4096);
    Map<Integer, String> devices = new HashMap<>(1 << 16);
    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    Map<String, Integer> classes = new HashMap<>(512);
    int vendor = -1;
    int baseClass = -1;
    String line;
    while ((line = r.readLine()) != null) {
      if (line.isEmpty() || line.charAt(0) == '#') {
        continue;
      }
      if (line.startsWith("C ")) {
        // the device class section follows the vendors: "C 03  Display controller"
        baseClass = hex2(line, 2);
        vendor = -1;
        continue;
      }
      if (baseClass >= 0) {
        // "\t02  3D controller": lspci prints subclass names, so those are what we map
        if (line.length() > 4 && line.charAt(0) == '\t' && line.charAt(1) != '\t') {
          int sub = hex2(line, 1);
          if (sub >= 0) {
            // a name used by two subclasses maps to -1: ambiguous, not guessed
            classes.merge(line.substring(3).trim(), (baseClass << 8) | sub, (a, b) -> -1);
          }
        }
        continue;
      }
      if (line.charAt(0) != '\t') {
        vendor = hex4(line, 0);
        if (vendor >= 0) {
          vendors.put(vendor, line.substring(4).trim());
        }
      } else if (line.length() > 1 && line.charAt(1) != '\t' && vendor >= 0) {
        int device = hex4(line, 1);
        if (device >= 0) {
          devices.put((vendor << 16) | device, line.substring(5).trim());
        }
      }
    }
    return new PciIds(vendors, devices, classes, origin);
  }

  private static int hex2(String s, int from) {
    if (s.length() < from + 2) {
      return -1;
    }
    try {
      return Integer.parseInt(s.substring(from, from + 2), 16);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static int hex4(String s, int from) {
    if (s.length() < from + 4) {
      return -1;
    }
    try {
      return Integer.parseInt(s.substring(from, from + 4), 16);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Which file the names came from. */
  public String origin() {
    return origin;
  }

  /** Vendor name, or null when the id is not in the database. */
  public String vendor(int vendorId) {
    return vendors.get(vendorId);
  }

  /** Device name, or null when the id is not in the database. */
  public String device(int vendorId, int deviceId) {
    return devices.get((vendorId << 16) | deviceId);
  }

  /**
   * The 16-bit class (base class and subclass) lspci names this way, e.g. {@code "VGA compatible
   * controller"} → 0x0300; -1 when unknown or ambiguous.
   */
  public int classByName(String subclassName) {
    Integer c = subclassName == null ? null : classes.get(subclassName.trim());
    return c == null ? -1 : c;
  }

  /**
   * The vendor whose pci.ids name is the longest prefix (ending at a space) of {@code text}, as
   * lspci prints "vendor device" without ids; null when none is, or the name is ambiguous.
   */
  public Map.Entry<Integer, String> vendorPrefix(String text) {
    Map<String, Integer> byName = vendorsByName;
    if (byName == null) {
      Map<String, Integer> m = new HashMap<>(vendors.size() * 2);
      vendors.forEach((id, name) -> m.merge(name, id, (a, b) -> -1));
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
      Map<String, Integer> m = new HashMap<>(devices.size() * 2);
      devices.forEach((key, n) -> m.merge((key >>> 16) + "\0" + n, key & 0xffff, (a, b) -> -1));
      devicesByName = byName = m;
    }
    Integer id = byName.get(vendorId + "\0" + name);
    return id == null ? -1 : id;
  }
}
