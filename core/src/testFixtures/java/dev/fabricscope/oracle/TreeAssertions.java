package dev.fabricscope.oracle;

import static org.junit.jupiter.api.Assertions.fail;

import dev.fabricscope.oracle.LspciTreeParser.Node;
import dev.fabricscope.topology.PciFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compares discovered PCI functions with an {@code lspci -tvnn} oracle, listing every difference.
 */
public final class TreeAssertions {

  private TreeAssertions() {}

  /**
   * The same set of functions, each with the same parent, and the same vendor:device wherever lspci
   * printed one (it prints none for bridges).
   */
  public static void assertSameTree(Map<String, Node> oracle, List<PciFunction> pci, String what) {
    Map<String, PciFunction> ours = new TreeMap<>();
    pci.forEach(f -> ours.put(f.bdf(), f));
    List<String> diffs = new ArrayList<>();
    TreeSet<String> missing = new TreeSet<>(oracle.keySet());
    missing.removeAll(ours.keySet());
    TreeSet<String> extra = new TreeSet<>(ours.keySet());
    extra.removeAll(oracle.keySet());
    if (!missing.isEmpty()) {
      diffs.add("functions lspci shows but discovery does not: " + missing);
    }
    if (!extra.isEmpty()) {
      diffs.add("functions discovery reports but lspci does not: " + extra);
    }
    for (Node n : oracle.values()) {
      PciFunction f = ours.get(n.bdf());
      if (f == null) {
        continue;
      }
      if (!Objects.equals(n.parent(), f.parent())) {
        diffs.add(n.bdf() + ": parent lspci=" + n.parent() + " discovery=" + f.parent());
      }
      if (n.vendorDevice() != null) {
        String vd = hex4(f.vendorId()) + ":" + hex4(f.deviceId());
        if (!n.vendorDevice().equals(vd)) {
          diffs.add(n.bdf() + ": vendor:device lspci=" + n.vendorDevice() + " discovery=" + vd);
        }
      }
    }
    if (!diffs.isEmpty()) {
      fail(what + ": discovery differs from lspci -tvnn:\n  " + String.join("\n  ", diffs));
    }
  }

  /** {@code "0x8086"} → {@code "8086"}; null stays visible as "null". */
  private static String hex4(String sysfsId) {
    if (sysfsId == null) {
      return "null";
    }
    String s = sysfsId.toLowerCase();
    return s.startsWith("0x") ? s.substring(2) : s;
  }
}
