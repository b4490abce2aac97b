package dev.fabricscope.importer;

import static dev.fabricscope.importer.SafeXml.attr;
import static dev.fabricscope.importer.SafeXml.children;

import dev.fabricscope.topology.Diagnostic;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PciLink;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.w3c.dom.Element;

/** Small readers of hwloc XML objects shared by {@link HwlocXmlImporter} and its helpers. */
final class HwlocXml {

  private HwlocXml() {}

  private static final Pattern BRIDGE_RANGE =
      Pattern.compile("[0-9a-fA-F]{4,8}:\\[([0-9a-fA-F]{2})-([0-9a-fA-F]{2})\\]");

  /**
   * The link of a PCI object from {@code pci_link_speed} (GB/s of the current link, as hwloc
   * computes it); null when absent or 0, which hwloc writes when it could not read the speed.
   */
  static PciLink link(Element obj, List<Diagnostic> diagnostics) {
    String speed = attr(obj, "pci_link_speed");
    if (speed == null) {
      return null;
    }
    try {
      double gbps = Double.parseDouble(speed);
      return gbps > 0 ? new PciLink(null, null, null, null, null, gbps) : null;
    } catch (NumberFormatException e) {
      diagnostics.add(new Diagnostic(where(obj), "unreadable pci_link_speed " + speed));
      return null;
    }
  }

  /**
   * {@code bridge_pci="0000:[05-07]"}: the secondary and subordinate buses hwloc read from a
   * bridge's config header; null without a readable range.
   */
  static PciFunction.ConfigInfo busRange(Element obj) {
    Matcher range = BRIDGE_RANGE.matcher(String.valueOf(attr(obj, "bridge_pci")));
    if (!range.matches()) {
      return null;
    }
    int sec = Integer.parseInt(range.group(1), 16);
    int sub = Integer.parseInt(range.group(2), 16);
    return new PciFunction.ConfigInfo(null, null, null, null, null, null, sec, sub);
  }

  /** The {@code info} children of an object as name → value (first wins). */
  static Map<String, String> infos(Element obj) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Element i : children(obj, "info")) {
      String n = attr(i, "name");
      String v = attr(i, "value");
      if (n != null && v != null) {
        out.putIfAbsent(n, v);
      }
    }
    return out;
  }

  /** Where an object is, for diagnostics: its type and gp_index or busid. */
  static String where(Element obj) {
    String id = attr(obj, "pci_busid");
    if (id == null) {
      id = attr(obj, "gp_index");
    }
    if (id == null) {
      id = attr(obj, "name");
    }
    return "object[type=" + obj.getAttribute("type") + (id == null ? "" : " " + id) + "]";
  }

  /** A value from the file for a diagnostic: quoted, at most 40 characters of it. */
  static String shortened(String value) {
    return "\"" + (value.length() > 40 ? value.substring(0, 40) + "…" : value) + "\"";
  }

  /** {@code local_memory} in bytes; hwloc writes 0 (or nothing) when it does not know it. */
  static Long memory(String s) {
    try {
      long v = s == null ? 0 : Long.parseLong(s.trim());
      return v > 0 ? v : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static Integer integer(String s) {
    try {
      return s == null ? null : Integer.valueOf(s.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** What hwloc XML never records, said once per import. */
  static void formatDiagnostics(
      List<Diagnostic> diagnostics, String file, boolean classWithoutProgIf) {
    diagnostics.add(
        new Diagnostic(file, "hwloc XML records no ACS: acs is unknown for every function"));
    diagnostics.add(
        new Diagnostic(file, "hwloc XML records no PCIe port types: inferred from the tree"));
    diagnostics.add(
        new Diagnostic(
            file,
            "hwloc XML records no drivers, IOMMU groups, SR-IOV relations, MPS/MRRS or link"
                + " speed/width (pci_link_speed is GB/s only)"));
    if (classWithoutProgIf) {
      diagnostics.add(
          new Diagnostic(
              file,
              "hwloc XML before 3.0 records base class and subclass without the programming"
                  + " interface: classCode has four hex digits there (prog-if unknown)"));
    }
  }
}
