package dev.fabricscope.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.importer.Importers;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.topology.Report;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Issue 13: the pairing as an NCCL topology XML. LLNL Lassen (shared/fixtures/hwloc-xml): four V100
 * at 0004:04:00.0, 0004:05:00.0 (NUMA 0) and 0035:03:00.0, 0035:04:00.0 (NUMA 8); one ConnectX-5
 * per socket with two functions, 0003:01:00.0/.1 on NUMA 0 and 0033:01:00.0/.1 on NUMA 8 (see
 * {@link FixturePlansTest}). NCCL hangs a device on a root port off its {@code cpu} element, so
 * each NIC is a direct child of its NUMA node's {@code cpu}.
 */
class PairingTopologyTest {

  static Report lassen() throws Exception {
    return Importers.load(Fixtures.root().resolve("hwloc-xml").resolve("llnl-lassen.xml"));
  }

  static Document parse(String xml) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return f.newDocumentBuilder()
        .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
  }

  /** busid of every pci element holding a {@code tag} child, with its cpu's numaid. */
  static List<String> devices(Document d, String tag) {
    List<String> out = new ArrayList<>();
    NodeList items = d.getElementsByTagName(tag);
    for (int i = 0; i < items.getLength(); i++) {
      Element pci = (Element) items.item(i).getParentNode();
      org.w3c.dom.Node cpu = pci;
      while (cpu != null && !cpu.getNodeName().equals("cpu")) {
        cpu = cpu.getParentNode();
      }
      out.add(pci.getAttribute("busid") + "@" + ((Element) cpu).getAttribute("numaid"));
    }
    return out;
  }

  @Test
  void everyGpuAndTheNicsThePairingChoseEachUnderItsSocket() throws Exception {
    Report r = lassen();
    PlanResult plan = new Planner(r).plan(Pattern.GPU_TO_NIC, null);
    Document d = parse(PairingTopology.ncclXml(r, plan.pairing()));
    assertEquals(
        List.of("0004:04:00.0@0", "0004:05:00.0@0", "0035:03:00.0@8", "0035:04:00.0@8"),
        devices(d, "gpu"));
    List<String> nics = devices(d, "nic");
    assertEquals(
        List.of("0003:01:00.0@0", "0003:01:00.1@0", "0033:01:00.0@8", "0033:01:00.1@8"),
        nics.stream().sorted().toList());
  }

  @Test
  void nicsNoPairedGpuUsesAreLeftOut() throws Exception {
    Report r = lassen();
    PlanResult plan = new Planner(r).plan(Pattern.GPU_TO_NIC, null);
    // a job on the first socket's two GPUs: their NICs stay, the other socket's ConnectX-5 goes
    List<GpuPairing> socket0 =
        plan.pairing().stream().filter(p -> p.gpu().startsWith("0004:")).toList();
    assertEquals(2, socket0.size());
    String xml = PairingTopology.ncclXml(r, socket0);
    Document d = parse(xml);
    List<String> nics = devices(d, "nic");
    assertEquals(List.of("0003:01:00.0@0", "0003:01:00.1@0"), nics.stream().sorted().toList());
    assertFalse(xml.contains("0033:01:00"), xml);
    // the GPUs are the host's; the job's own CUDA_VISIBLE_DEVICES picks among them
    assertEquals(4, d.getElementsByTagName("gpu").getLength());
    assertTrue(xml.startsWith("<system"), "no XML declaration: NCCL refuses it");
  }
}
