package dev.fabricscope.importer;

import static dev.fabricscope.importer.SafeXml.attr;
import static dev.fabricscope.importer.SafeXml.children;

import dev.fabricscope.topology.DeviceKind;
import dev.fabricscope.topology.Diagnostic;
import dev.fabricscope.topology.NvLink;
import dev.fabricscope.topology.PciFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.w3c.dom.Element;

/**
 * NVLink connections from hwloc's {@code NVLinkBandwidth} distance matrix ({@code distances2} or
 * {@code distances2hetero}; written by hwloc's NVML backend in MB/s per direction, p2p-rules.md
 * §4.1). Objects are GPU OS devices (their PCI parent's busid is used) or PCI devices (NVSwitches);
 * other objects (a POWER {@code Package}, i.e. NVLink to the CPU) are reported as a diagnostic.
 *
 * <p>Link count rule: hwloc sums, per peer, the bandwidth of each NVLink by NVLink version: 20,000
 * MB/s for NVLink 1 (P100) and 25,000 MB/s for NVLink 2 and later (V100, A100, H100). The file does
 * not say the version, so the GPU tells it: P100 (device ids 0x15f7, 0x15f8, 0x15f9, or a GPUModel
 * naming P100) means 20,000, anything else 25,000. {@code count = bandwidth / perLink}; a value
 * that is not a multiple is rounded (at least 1) and reported. The diagonal (hwloc writes the GPU's
 * own memory bandwidth there) is skipped, and each pair is emitted once, GPU first.
 */
final class HwlocNvLinks {

  static final String NAME = "NVLinkBandwidth";
  private static final Set<String> P100 = Set.of("0x15f7", "0x15f8", "0x15f9");

  private final HwlocXmlImporter importer;
  private final Map<String, PciFunction> pci;
  private final List<Diagnostic> diagnostics;

  HwlocNvLinks(
      HwlocXmlImporter importer, Map<String, PciFunction> pci, List<Diagnostic> diagnostics) {
    this.importer = importer;
    this.pci = pci;
    this.diagnostics = diagnostics;
  }

  /** An end of a link: the PCI function, and the GPU OS device when it was one. */
  private record End(String bdf, Element osdev) {}

  List<NvLink> read(Element top) {
    List<NvLink> out = new ArrayList<>();
    for (Element d : children(top, null)) {
      String tag = d.getTagName();
      if ((tag.equals("distances2") || tag.equals("distances2hetero"))
          && NAME.equals(attr(d, "name"))) {
        matrix(d, tag.equals("distances2hetero"), out);
      }
    }
    return out;
  }

  private void matrix(Element d, boolean hetero, List<NvLink> out) {
    List<String> idx = tokens(d, "indexes");
    List<String> vals = tokens(d, "u64values");
    int n = idx.size();
    if (n == 0 || vals.size() != n * n) {
      diagnostics.add(
          new Diagnostic(
              NAME, "matrix of " + n + " objects has " + vals.size() + " values: skipped"));
      return;
    }
    long[] values = new long[vals.size()];
    for (int k = 0; k < values.length; k++) {
      try {
        values[k] = Long.parseLong(vals.get(k));
      } catch (NumberFormatException e) {
        diagnostics.add(
            new Diagnostic(
                NAME,
                "matrix value " + HwlocXml.shortened(vals.get(k)) + " is no bandwidth: skipped"));
        return;
      }
    }
    String type = attr(d, "type");
    boolean gp = hetero || "gp".equals(attr(d, "indexing"));
    List<End> ends = new ArrayList<>();
    for (String i : idx) {
      Element e = gp ? importer.byGpIndex.get(hetero ? i : type + ":" + i) : null;
      ends.add(end(e, i));
    }
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        long bw = Math.max(values[i * n + j], values[j * n + i]);
        if (bw <= 0) {
          continue;
        }
        End a = ends.get(i);
        End b = ends.get(j);
        if (a == null || b == null) {
          diagnostics.add(
              new Diagnostic(
                  NAME,
                  idx.get(i)
                      + " - "
                      + idx.get(j)
                      + ": "
                      + bw
                      + " MB/s to an object that is not a PCI device (CPU NVLink): not listed"));
          continue;
        }
        if (!isGpu(a) && isGpu(b)) {
          End t = a;
          a = b;
          b = t;
        }
        long perLink = isP100(a) || isP100(b) ? 20_000 : 25_000;
        int count = (int) Math.max(1, Math.round((double) bw / perLink));
        if (bw % perLink != 0) {
          diagnostics.add(
              new Diagnostic(
                  NAME,
                  a.bdf()
                      + " - "
                      + b.bdf()
                      + ": "
                      + bw
                      + " MB/s is not a multiple of "
                      + perLink
                      + " MB/s per link: count rounded to "
                      + count));
        }
        out.add(new NvLink(a.bdf(), b.bdf(), count, bw / 1000.0));
      }
    }
  }

  private End end(Element e, String token) {
    if (e == null) {
      return null;
    }
    String type = e.getAttribute("type");
    if (type.equals("OSDev") && e.getParentNode() instanceof Element p) {
      String bdf = importer.busidOf.get(p);
      return bdf == null ? null : new End(bdf, e);
    }
    String bdf = importer.busidOf.get(e);
    return bdf == null ? null : new End(bdf, null);
  }

  private boolean isGpu(End e) {
    PciFunction f = pci.get(e.bdf());
    return e.osdev() != null || f != null && f.kind() == DeviceKind.GPU;
  }

  private boolean isP100(End e) {
    PciFunction f = pci.get(e.bdf());
    if (f != null && "0x10de".equals(f.vendorId()) && P100.contains(f.deviceId())) {
      return true;
    }
    String model = e.osdev() == null ? null : HwlocXml.infos(e.osdev()).get("GPUModel");
    return model != null && model.contains("P100");
  }

  private static List<String> tokens(Element d, String tag) {
    List<String> out = new ArrayList<>();
    for (Element c : children(d, tag)) {
      for (String t : c.getTextContent().trim().split("\\s+")) {
        if (!t.isEmpty()) {
          out.add(t);
        }
      }
    }
    return out;
  }
}
