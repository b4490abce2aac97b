package dev.fabricscope.exporter;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;

/**
 * Compares two NCCL topology files element by element: children are matched by what identifies them
 * in NCCL's model (graph/xml.cc, topo.cc: a {@code cpu} by {@code numaid}, a {@code pci} by {@code
 * busid}, an {@code nvlink} by {@code target}, a {@code net} by {@code name} and {@code port};
 * {@code gpu} and {@code nic} are single below their parent); every element on one side must be on
 * the other, with the same attributes, except the reserved ones the caller names.
 */
final class NcclXmlDiff {

  /**
   * What cannot be known without the machine's runtime (NVML, CUDA, the network plugin), each with
   * the reason: {@code element@attribute} → why, or {@code element} → why for whole elements.
   */
  record Reserved(Map<String, String> why) {
    boolean attribute(String element, String attribute) {
      return why.containsKey(element + "@" + attribute);
    }

    boolean element(Element e) {
      return why.containsKey(path(e));
    }
  }

  private NcclXmlDiff() {}

  /** Every difference, one per line; empty when the files agree. */
  static List<String> diff(String oracle, String ours, Reserved reserved) {
    List<String> out = new ArrayList<>();
    compare(root(oracle), root(ours), reserved, out, "system");
    return out;
  }

  private static void compare(
      Element oracle, Element ours, Reserved reserved, List<String> out, String where) {
    Map<String, String> a = attributes(oracle);
    Map<String, String> b = attributes(ours);
    Set<String> names = new java.util.TreeSet<>(a.keySet());
    names.addAll(b.keySet());
    for (String n : names) {
      if (reserved.attribute(oracle.getTagName(), n)) {
        continue;
      }
      String x = a.get(n);
      String y = b.get(n);
      if (n.equals("link_speed") && x != null && y != null) {
        // compared as NCCL reads it: "8 GT/s" (kernel ≤ 5.6) and "8.0 GT/s PCIe" are one speed
        x = String.valueOf(ncclSpeed(x));
        y = String.valueOf(ncclSpeed(y));
      }
      if (x == null ? y != null : !x.equals(y)) {
        out.add(where + " @" + n + ": NCCL " + q(x) + ", ours " + q(y));
      }
    }
    Map<String, Element> kids = children(oracle);
    Map<String, Element> mine = children(ours);
    for (var e : kids.entrySet()) {
      Element m = mine.get(e.getKey());
      if (m != null) {
        compare(e.getValue(), m, reserved, out, where + "/" + e.getKey());
      } else if (!reserved.element(e.getValue())) {
        out.add(where + "/" + e.getKey() + ": only in NCCL's file");
      }
    }
    for (var e : mine.entrySet()) {
      if (!kids.containsKey(e.getKey()) && !reserved.element(e.getValue())) {
        out.add(where + "/" + e.getKey() + ": only in ours");
      }
    }
  }

  /**
   * NCCL's {@code kvDictPciGen} (graph/topo.cc, NCCL 2.28.9): a speed string to 100 Mb/s per lane,
   * matched by prefix in this order as {@code kvConvertToInt} does; 60 when nothing matches.
   */
  static int ncclSpeed(String s) {
    String[][] dict = {
      {"2.5 GT/s", "15"},
      {"5 GT/s", "30"},
      {"8 GT/s", "60"},
      {"16 GT/s", "120"},
      {"32 GT/s", "240"},
      {"2.5 GT/s PCIe", "15"},
      {"5.0 GT/s PCIe", "30"},
      {"8.0 GT/s PCIe", "60"},
      {"16.0 GT/s PCIe", "120"},
      {"32.0 GT/s PCIe", "240"},
      {"64.0 GT/s PCIe", "480"}
    };
    for (String[] d : dict) {
      if (s.startsWith(d[0])) {
        return Integer.parseInt(d[1]);
      }
    }
    return 60;
  }

  /** {@code cpu}, {@code cpu/nic}, {@code pci/nic/net}…: the element and its parent's name. */
  static String path(Element e) {
    Node p = e.getParentNode();
    return p instanceof Element pe && !pe.getTagName().equals("system")
        ? pe.getTagName() + "/" + e.getTagName()
        : e.getTagName();
  }

  private static Map<String, Element> children(Element e) {
    Map<String, Element> out = new TreeMap<>();
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element c) {
        String key =
            switch (c.getTagName()) {
              case "cpu" -> "cpu[" + c.getAttribute("numaid") + "]";
              case "pci" -> "pci[" + c.getAttribute("busid").toLowerCase() + "]";
              case "nvlink" -> "nvlink[" + c.getAttribute("target").toLowerCase() + "]";
              case "net" -> "net[" + c.getAttribute("name") + ":" + c.getAttribute("port") + "]";
              default -> c.getTagName();
            };
        out.put(key, c);
      }
    }
    return out;
  }

  private static Map<String, String> attributes(Element e) {
    Map<String, String> out = new LinkedHashMap<>();
    NamedNodeMap m = e.getAttributes();
    for (int i = 0; i < m.getLength(); i++) {
      out.put(m.item(i).getNodeName(), m.item(i).getNodeValue());
    }
    return out;
  }

  private static String q(String s) {
    return s == null ? "(absent)" : "\"" + s + "\"";
  }

  private static Element root(String xml) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
      f.setExpandEntityReferences(false);
      f.setIgnoringComments(true);
      return f.newDocumentBuilder()
          .parse(new InputSource(new StringReader(xml)))
          .getDocumentElement();
    } catch (Exception e) {
      throw new IllegalArgumentException("not XML: " + e, e);
    }
  }
}
