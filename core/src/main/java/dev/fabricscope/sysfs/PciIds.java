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
 * Parsed once per process; only vendor and device lines are kept.
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
  private final String origin;

  private PciIds(Map<Integer, String> vendors, Map<Integer, String> devices, String origin) {
    this.vendors = vendors;
    this.devices = devices;
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
        return new PciIds(Map.of(), Map.of(), "none");
      }
      return parse(new GZIPInputStream(raw), "bundled pci.ids");
    } catch (IOException e) {
      return new PciIds(Map.of(), Map.of(), "none");
    }
  }

  static PciIds parse(InputStream in, String origin) throws IOException {
    Map<Integer, String> vendors = new HashMap<>(4096);
    Map<Integer, String> devices = new HashMap<>(1 << 16);
    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    int vendor = -1;
    String line;
    while ((line = r.readLine()) != null) {
      if (line.isEmpty() || line.charAt(0) == '#') {
        continue;
      }
      if (line.startsWith("C ")) {
        break; // the device class section follows the vendors; nothing below is needed
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
    return new PciIds(vendors, devices, origin);
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
}
