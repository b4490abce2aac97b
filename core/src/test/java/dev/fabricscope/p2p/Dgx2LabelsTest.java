package dev.fabricscope.p2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.importer.Importers;
import dev.fabricscope.oracle.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * NVIDIA DGX-2H (fixtures/hwloc-xml/nvidiaDGX2.xml, lstopo export): the expected nvidia-smi labels
 * (p2p-rules.md §4.1) are derived here from the XML's own structure, parsed with the JDK's DOM (DTD
 * loading off), independently of the importer: bridge nesting for the PCIe labels and the {@code
 * NVLinkBandwidth} matrix for NV#.
 */
class Dgx2LabelsTest {

  /** NVLink2 (V100) bandwidth per link per direction, MB/s, as hwloc reports it. */
  static final long NVLINK2_MBPS = 25_000;

  /** One GPU as the XML places it. */
  record Gpu(String bdf, Element self, List<Element> bridges, Element hostBridge, String pkg) {}

  static Document doc;
  static List<Gpu> gpus;
  static P2pAnalyzer analyzer;

  static Path file() {
    return Fixtures.root().resolve("hwloc-xml").resolve("nvidiaDGX2.xml");
  }

  @BeforeAll
  static void load() throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setValidating(false);
    f.setNamespaceAware(false);
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    doc = f.newDocumentBuilder().parse(file().toFile());
    gpus = new ArrayList<>();
    NodeList objs = doc.getElementsByTagName("object");
    for (int i = 0; i < objs.getLength(); i++) {
      Element e = (Element) objs.item(i);
      // the file marks V100s as class 0302 (3D controller) with vendor 10de
      if ("PCIDev".equals(e.getAttribute("type"))
          && e.getAttribute("pci_type").startsWith("0302 [10de:")) {
        gpus.add(gpu(e));
      }
    }
    analyzer = new P2pAnalyzer(Importers.load(file()));
  }

  static Gpu gpu(Element e) {
    List<Element> bridges = new ArrayList<>();
    Element hostBridge = null;
    String pkg = null;
    for (Node n = e.getParentNode(); n instanceof Element p; n = p.getParentNode()) {
      String type = p.getAttribute("type");
      if ("Bridge".equals(type)) {
        if (p.hasAttribute("pci_busid")) {
          bridges.add(p);
        } else {
          assertEquals("0-1", p.getAttribute("bridge_type"), "a bridge without busid is a host");
          hostBridge = p;
        }
      } else if ("Package".equals(type) && pkg == null) {
        pkg = p.getAttribute("os_index");
      }
    }
    assertNotNull(hostBridge);
    assertNotNull(pkg);
    return new Gpu(e.getAttribute("pci_busid").toLowerCase(), e, bridges, hostBridge, pkg);
  }

  /**
   * The switch a bridge belongs to, from the nesting alone: a bridge directly below the host bridge
   * is a root port (its own unit); below it bridges alternate upstream port, downstream port,
   * upstream port... A switch is keyed by its upstream port; a downstream port belongs to its
   * parent.
   */
  static Element unit(Gpu g, Element bridge) {
    List<Element> top = new ArrayList<>(g.bridges()); // [closest ... root port]
    java.util.Collections.reverse(top); // [root port, usp, dsp, usp, dsp, ...]
    int k = top.indexOf(bridge);
    if (k == 0) {
      return bridge; // root port
    }
    return k % 2 == 1 ? bridge : top.get(k - 1);
  }

  /** The PCIe-only label (§4.1) from the XML structure. */
  static String pcieLabel(Gpu a, Gpu b) {
    if (a == b) {
      return "X";
    }
    if (a.hostBridge() != b.hostBridge()) {
      return a.pkg().equals(b.pkg()) ? "NODE" : "SYS";
    }
    int i = -1;
    int j = -1;
    for (int x = 0; x < a.bridges().size() && i < 0; x++) {
      int y = b.bridges().indexOf(a.bridges().get(x));
      if (y >= 0) {
        i = x;
        j = y;
      }
    }
    if (i < 0) {
      return "PHB"; // same host bridge, different root ports
    }
    Set<Element> units = new HashSet<>();
    for (int x = 0; x <= i; x++) {
      units.add(unit(a, a.bridges().get(x)));
    }
    for (int y = 0; y < j; y++) {
      units.add(unit(b, b.bridges().get(y)));
    }
    // PIX: every bridge crossed belongs to one switch (or is one root port); PXB: more
    return units.size() <= 1 ? "PIX" : "PXB";
  }

  @Test
  void theFileHasSixteenGpusUnderTwoLevelSwitchTrees() {
    assertEquals(16, gpus.size());
    Set<Element> hostBridges = new HashSet<>();
    Set<String> packages = new HashSet<>();
    for (Gpu g : gpus) {
      hostBridges.add(g.hostBridge());
      packages.add(g.pkg());
      assertEquals(5, g.bridges().size(), g.bdf() + ": root port + 2 switch levels");
    }
    assertEquals(4, hostBridges.size());
    assertEquals(2, packages.size());
  }

  @Test
  void pcieLabelsFollowTheXmlNesting() {
    Map<String, Integer> seen = new LinkedHashMap<>();
    for (Gpu a : gpus) {
      for (Gpu b : gpus) {
        String expected = pcieLabel(a, b);
        seen.merge(expected, 1, Integer::sum);
        PairVerdict v = analyzer.pair(analyzer.find(a.bdf()), analyzer.find(b.bdf()));
        assertEquals(expected, v.nvidiaPcie().toString(), a.bdf() + " / " + b.bdf());
      }
    }
    // the tree really exercises every level (else the check proves little)
    for (String l : List.of("X", "PIX", "PXB", "NODE", "SYS")) {
      assertTrue(seen.containsKey(l), l + " never expected: " + seen);
    }
    assertEquals(256, seen.values().stream().mapToInt(Integer::intValue).sum());
  }

  /** The NVLinkBandwidth matrix: gp_index of the indexed object → row values. */
  static Map<String, Map<String, Long>> nvlinkMatrix() {
    NodeList hs = doc.getElementsByTagName("distances2hetero");
    for (int h = 0; h < hs.getLength(); h++) {
      Element d = (Element) hs.item(h);
      if (!"NVLinkBandwidth".equals(d.getAttribute("name"))) {
        continue;
      }
      int n = Integer.parseInt(d.getAttribute("nbobjs"));
      List<String> idx = tokens(d, "indexes");
      List<String> vals = tokens(d, "u64values");
      assertEquals(n, idx.size());
      assertEquals(n * n, vals.size());
      Map<String, Map<String, Long>> m = new LinkedHashMap<>();
      for (int r = 0; r < n; r++) {
        Map<String, Long> row = new LinkedHashMap<>();
        for (int c = 0; c < n; c++) {
          row.put(gp(idx.get(c)), Long.parseLong(vals.get(r * n + c)));
        }
        m.put(gp(idx.get(r)), row);
      }
      return m;
    }
    throw new AssertionError("no NVLinkBandwidth matrix");
  }

  static String gp(String typeAndIndex) {
    return typeAndIndex.substring(typeAndIndex.indexOf(':') + 1);
  }

  static List<String> tokens(Element parent, String tag) {
    List<String> out = new ArrayList<>();
    NodeList l = parent.getElementsByTagName(tag);
    for (int i = 0; i < l.getLength(); i++) {
      for (String t : l.item(i).getTextContent().trim().split("\\s+")) {
        if (!t.isEmpty()) {
          out.add(t);
        }
      }
    }
    return out;
  }

  @Test
  void nvlinkLabelsComeFromTheBandwidthMatrix() {
    Map<String, Map<String, Long>> m = nvlinkMatrix();
    // the matrix indexes GPUs by their NVML OSDev child, NVSwitches by their PCIDev
    Map<Gpu, String> key = new HashMap<>();
    for (Gpu g : gpus) {
      NodeList kids = g.self().getElementsByTagName("object");
      for (int i = 0; i < kids.getLength(); i++) {
        String gi = ((Element) kids.item(i)).getAttribute("gp_index");
        if (m.containsKey(gi)) {
          key.put(g, gi);
        }
      }
      assertTrue(key.containsKey(g), g.bdf() + " not in the NVLink matrix");
    }
    Set<String> switches = new HashSet<>();
    NodeList objs = doc.getElementsByTagName("object");
    for (int i = 0; i < objs.getLength(); i++) {
      Element e = (Element) objs.item(i);
      if ("NVSwitch".equals(e.getAttribute("subtype"))
          && m.containsKey(e.getAttribute("gp_index"))) {
        switches.add(e.getAttribute("gp_index"));
      }
    }
    assertEquals(12, switches.size(), "DGX-2: 12 NVSwitches (one with an all-zero class)");
    Map<Gpu, Long> links = new HashMap<>();
    for (Gpu g : gpus) {
      long bw = 0;
      for (String s : switches) {
        bw += m.get(key.get(g)).get(s);
      }
      assertEquals(0, bw % NVLINK2_MBPS, g.bdf() + ": whole links");
      links.put(g, bw / NVLINK2_MBPS);
      // one NVLink2 link to each of its baseboard's 6 NVSwitches: nvidia-smi prints NV6
      assertEquals(6L, links.get(g), g.bdf());
    }
    int checked = 0;
    for (Gpu a : gpus) {
      for (Gpu b : gpus) {
        String expected;
        long direct = m.get(key.get(a)).get(key.get(b));
        if (a == b) {
          expected = "X";
        } else if (direct > 0) {
          expected = "NV" + direct / NVLINK2_MBPS;
        } else if (links.get(a) > 0 && links.get(b) > 0) {
          expected = "NV" + Math.min(links.get(a), links.get(b));
        } else {
          expected = pcieLabel(a, b);
        }
        PairVerdict v = analyzer.pair(analyzer.find(a.bdf()), analyzer.find(b.bdf()));
        assertEquals(expected, v.nvidia().toString(), a.bdf() + " / " + b.bdf());
        checked++;
      }
    }
    assertEquals(256, checked);
  }
}
