package dev.fabricscope.sysfs;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The bytes of a pci.ids database and the ways {@link PciIds} finds its lines in them: by bisection
 * over the vendor lines, or the device lines of one vendor, which pci.ids keeps in ascending order
 * of id; by an index of every vendor line; line by line. Offsets are byte offsets of line starts.
 */
final class PciIdsLines {

  private final byte[] text;

  /** Every vendor line and where the class section starts, made on first need. */
  private volatile Index index;

  PciIdsLines(byte[] text) {
    this.text = text;
  }

  int length() {
    return text.length;
  }

  byte at(int offset) {
    return text[offset];
  }

  /**
   * Vendor id → offset of its line (the first, should one repeat); offset of the device class
   * section ("C xx" lines), or {@code text.length} without one.
   */
  record Index(Map<Integer, Integer> vendorLines, int classSection) {}

  /** Every vendor line, read once: for ids bisection did not find, and for the lookups by name. */
  Index index() {
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

  /**
   * The line in {@code [from, to)} of a vendor ({@code device} false) or device of one vendor's
   * block ({@code device} true) with id {@code id}, by bisection over the lines of that kind in
   * ascending order; -1 when not found so. Every probe reads on from a byte offset to the next line
   * of the kind: those before {@code mid} are in the lower half, ids above {@code id} after.
   */
  int bisect(int from, int to, int id, boolean device) {
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
  int blockEnd(int from) {
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
  boolean isVendorLine(int at) {
    byte c = text[at];
    return c != '\t' && c != '#' && hex(at, 4) >= 0;
  }

  /** "\tdddd name": a device of the vendor above (not a "\t\t" subsystem line). */
  boolean isDeviceLine(int at) {
    return text[at] == '\t' && at + 1 < text.length && text[at + 1] != '\t' && hex(at + 1, 4) >= 0;
  }

  /** The hex number of {@code digits} digits at {@code at}; -1 when they are not all hex. */
  int hex(int at, int digits) {
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
  String name(int at) {
    int end = lineEnd(at);
    return at >= end ? "" : new String(text, at, end - at, StandardCharsets.UTF_8).trim();
  }

  int lineEnd(int at) {
    int i = at;
    while (i < text.length && text[i] != '\n') {
      i++;
    }
    return i;
  }

  int nextLine(int at) {
    return Math.min(text.length, lineEnd(at) + 1);
  }
}
