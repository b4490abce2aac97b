package dev.fabricscope.p2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.importer.Importers;
import dev.fabricscope.oracle.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * NCCL topology files (fixtures/nccl-xml, p2p-rules.md §4.8) against labels derived in the test
 * from each file's own XML: {@code nvlink} elements give NV#, the {@code pci} nesting gives PIX
 * (both below one switch element) and PXB (several switch elements below a common one), the {@code
 * cpu} elements give SYS. NCCL files name no host bridges, so a pair under one {@code cpu} but
 * different switches can be PHB or NODE for nvidia-smi: only that set is asserted there.
 *
 * <p>None of the vendors' files nests a switch inside a switch (the deepest is cpu → switch →
 * endpoint), so no pair here is PXB; the DGX-2 hwloc test covers PXB.
 */
class NcclFixtureLabelsTest {

  static final Set<String> ENDPOINT_CLASSES =
      Set.of("0x030200", "0x030000", "0x020700", "0x020000");

  static Document parse(Path f) throws Exception {
    DocumentBuilderFactory d = DocumentBuilderFactory.newInstance();
    d.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    d.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    return d.newDocumentBuilder().parse(f.toFile());
  }

  static Path file(String name) {
    return Fixtures.root().resolve("nccl-xml").resolve(name);
  }

  /** Endpoint pci elements (GPUs and NICs by class), by lower-case busid. */
  static Map<String, Element> endpoints(Document doc) {
    Map<String, Element> out = new LinkedHashMap<>();
    NodeList l = doc.getElementsByTagName("pci");
    for (int i = 0; i < l.getLength(); i++) {
      Element e = (Element) l.item(i);
      if (ENDPOINT_CLASSES.contains(e.getAttribute("class").toLowerCase())) {
        out.put(e.getAttribute("busid").toLowerCase(), e);
      }
    }
    return out;
  }

  /** [parent pci, grandparent pci, ...] up to the cpu element (exclusive). */
  static List<Element> switches(Element e) {
    List<Element> out = new ArrayList<>();
    for (Node n = e.getParentNode(); n instanceof Element p && p.getTagName().equals("pci"); ) {
      out.add(p);
      n = p.getParentNode();
    }
    return out;
  }

  static Element cpu(Element e) {
    for (Node n = e.getParentNode(); n instanceof Element p; n = p.getParentNode()) {
      if (p.getTagName().equals("cpu")) {
        return p;
      }
    }
    throw new AssertionError("no cpu above " + e.getAttribute("busid"));
  }

  /** Sum of the {@code nvlink count} attributes of a's GPU that target b's busid; 0 if none. */
  static int nvlinks(Element a, String bBusid) {
    int n = 0;
    NodeList l = a.getElementsByTagName("nvlink");
    for (int i = 0; i < l.getLength(); i++) {
      Element v = (Element) l.item(i);
      if (v.getAttribute("target").equalsIgnoreCase(bBusid)) {
        n += Integer.parseInt(v.getAttribute("count"));
      }
    }
    return n;
  }

  /** The allowed nvidia-smi labels for a pair, from the XML. */
  static Set<String> expected(String ba, Element a, String bb, Element b) {
    if (ba.equals(bb)) {
      return Set.of("X");
    }
    int nv = Math.max(nvlinks(a, bb), nvlinks(b, ba));
    if (nv > 0) {
      return Set.of("NV" + nv);
    }
    List<Element> sa = switches(a);
    List<Element> sb = switches(b);
    for (int i = 0; i < sa.size(); i++) {
      int j = sb.indexOf(sa.get(i));
      if (j >= 0) {
        // each pci element here is a whole switch (§4.3): one crossed → PIX, more → PXB
        return Set.of(i + j == 0 ? "PIX" : "PXB");
      }
    }
    return cpu(a) == cpu(b) ? Set.of("PHB", "NODE") : Set.of("SYS");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "azure-ncv4-topo.xml",
        "azure-ndv4-topo.xml",
        "azure-ndv5-topo.xml",
        "azure-ndv2-topo.xml",
        "aws-p4d-24xl-topo.xml",
        "aws-p4de-24xl-topo.xml"
      })
  void labelsFollowTheXml(String name) throws Exception {
    Document doc = parse(file(name));
    Map<String, Element> eps = endpoints(doc);
    assertTrue(eps.size() >= 4, name + ": " + eps.keySet());
    P2pAnalyzer an = new P2pAnalyzer(Importers.load(file(name)));
    Map<String, Integer> seen = new LinkedHashMap<>();
    for (var a : eps.entrySet()) {
      for (var b : eps.entrySet()) {
        Set<String> want = expected(a.getKey(), a.getValue(), b.getKey(), b.getValue());
        Device da = an.find(a.getKey());
        Device db = an.find(b.getKey());
        assertNotNull(da, name + ": " + a.getKey() + " not imported");
        assertNotNull(db, name + ": " + b.getKey() + " not imported");
        String got = an.pair(da, db).nvidia().toString();
        assertTrue(
            want.contains(got),
            name + " " + a.getKey() + " / " + b.getKey() + ": expected " + want + ", got " + got);
        seen.merge(String.join("|", want.stream().sorted().toList()), 1, Integer::sum);
      }
    }
    assertEquals(eps.size() * eps.size(), seen.values().stream().mapToInt(i -> i).sum());
  }

  /**
   * azure-ncv4: every A100 carries {@code <nvlink target="<its own busid>" count="12">}. The count
   * is real (A100 has 12 NVLink3 links) but the target is the GPU itself, so no other GPU is an
   * NVLink peer: no off-diagonal pair may be NV12. The four GPUs sit under four cpu elements (one
   * NUMA node each): SYS.
   */
  @Test
  void ncv4SelfTargetedNvlinksMakeNoNvPair() throws Exception {
    Document doc = parse(file("azure-ncv4-topo.xml"));
    Map<String, Element> eps = endpoints(doc);
    assertEquals(4, eps.size());
    for (var e : eps.entrySet()) {
      assertEquals(12, nvlinks(e.getValue(), e.getKey()), e.getKey() + " nvlink to itself");
    }
    P2pAnalyzer an = new P2pAnalyzer(Importers.load(file("azure-ncv4-topo.xml")));
    for (String a : eps.keySet()) {
      for (String b : eps.keySet()) {
        PairVerdict v = an.pair(an.find(a), an.find(b));
        assertEquals(a.equals(b) ? "X" : "SYS", v.nvidia().toString(), a + " / " + b);
      }
    }
  }
}
