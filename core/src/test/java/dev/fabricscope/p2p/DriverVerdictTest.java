package dev.fabricscope.p2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.importer.Importers;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.topology.Gpu;
import dev.fabricscope.topology.NvmlGpus;
import dev.fabricscope.topology.NvmlPeer;
import dev.fabricscope.topology.Report;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The driver's verdict column on the real DGX-2 (hwloc-xml/nvidiaDGX2.xml): two V100s below one PLX
 * switch, where the kernel maps P2P (BUS_ADDR) and NCCL chooses it, given the driver answers a host
 * could give (allowed, or refused as a chipset the driver does not support).
 */
class DriverVerdictTest {

  static final String A = "0000:34:00.0";
  static final String B = "0000:36:00.0";
  static final String OTHER = "0000:b7:00.0";

  private static NvmlPeer peer(String bdf, String rw) {
    return new NvmlPeer(bdf, rw, rw, "ok", "ok", "single");
  }

  /** The DGX-2 with NVML answers for A and B (each about the other), as the agent merges them. */
  static Report dgx2(String rw) throws Exception {
    Report r = Importers.load(Fixtures.root().resolve("hwloc-xml/nvidiaDGX2.xml"));
    Map<String, NvmlPeer> peers = Map.of(A, peer(B, rw), B, peer(A, rw));
    List<Gpu> gpus = new ArrayList<>();
    for (Gpu g : r.gpus()) {
      NvmlPeer p = peers.get(g.pciFunction());
      gpus.add(
          p == null
              ? g
              : g.withNvml(NvmlGpus.of("Tesla V100-SXM3-32GB-H", "7.0", List.of(), List.of(p))));
    }
    return r.withGpus(gpus);
  }

  private static Device device(P2pAnalyzer an, String bdf) {
    return an.devices().stream().filter(d -> d.bdf().equals(bdf)).findFirst().orElseThrow();
  }

  @Test
  void driverAllowsWhereKernelAndNcclDo() throws Exception {
    P2pAnalyzer an = new P2pAnalyzer(dgx2("ok"));
    PairVerdict v = an.pair(device(an, A), device(an, B));
    assertEquals(MapType.BUS_ADDR, v.kernel().mapType(), "the rule's premise");
    assertEquals("OK", v.driver().label().toString());
    assertEquals("single", v.driver().commonAncestor());
    assertFalse(v.reasons().stream().anyMatch(r -> r.code().equals(Reason.DRIVER_DISAGREES)));
    assertTrue(
        FleetFindings.forHost("dgx2", dgx2("ok")).stream()
            .noneMatch(f -> f.rule().equals(FleetFindings.DRIVER_P2P_DISAGREES)));
  }

  @Test
  void aDriverRefusalTheKernelAndNcclDoNotSeeIsAReasonAndAFinding() throws Exception {
    Report r = dgx2("chipset-not-supported");
    P2pAnalyzer an = new P2pAnalyzer(r);
    PairVerdict v = an.pair(device(an, A), device(an, B));
    assertEquals("CNS", v.driver().label().toString());
    assertTrue(
        ReportJson.mapper().writeValueAsString(v).contains("\"label\":\"CNS\""),
        "the label is in the JSON the page reads");
    List<Reason> why =
        v.reasons().stream().filter(x -> x.code().equals(Reason.DRIVER_DISAGREES)).toList();
    assertEquals(2, why.size(), "one against the kernel, one against NCCL: " + why);
    assertTrue(why.get(0).message().contains("kernel"), why.get(0).message());
    assertTrue(why.get(1).message().contains("NCCL"), why.get(1).message());
    // the other order asks B's answers: same verdict
    assertEquals(v.driver(), an.pair(device(an, B), device(an, A)).driver());
    List<dev.fabricscope.p2p.Finding> f =
        FleetFindings.forHost("dgx2", r).stream()
            .filter(x -> x.rule().equals(FleetFindings.DRIVER_P2P_DISAGREES))
            .toList();
    assertEquals(1, f.size(), f.toString());
    assertEquals(List.of(A, B), f.get(0).devices());
    assertTrue(
        ExplainText.render(v, device(an, A), device(an, B), r).contains("Driver (NVML):  CNS"));
  }

  @Test
  void topoPrintsTheDriversMatrixForTheGpusItAnswered() throws Exception {
    Report r = dgx2("chipset-not-supported");
    String text = TopoText.render(new P2pAnalyzer(r).matrix(), r);
    int at = text.indexOf("Driver P2P (NVML, as nvidia-smi topo -p2p rw)");
    assertTrue(at > 0, text);
    String[] lines = text.substring(at).split("\n");
    assertEquals("\tGPU0\tGPU1", lines[1]);
    assertEquals("GPU0\t X \tCNS", lines[2]);
    assertEquals("GPU1\tCNS\t X ", lines[3]);
    assertTrue(text.contains("CNS  = Chipset not supported"));
    String plain = TopoText.render(new P2pAnalyzer(dgx2Plain()).matrix(), dgx2Plain());
    assertFalse(plain.contains("Driver P2P"), "no NVML answers, no driver matrix");
  }

  static Report dgx2Plain() throws Exception {
    return Importers.load(Fixtures.root().resolve("hwloc-xml/nvidiaDGX2.xml"));
  }

  @Test
  void pairsTheDriverWasNotAskedAboutHaveNoDriverColumn() throws Exception {
    P2pAnalyzer an = new P2pAnalyzer(dgx2("ok"));
    PairVerdict v = an.pair(device(an, A), device(an, OTHER));
    assertNull(v.driver());
    assertFalse(ReportJson.mapper().writeValueAsString(v).contains("\"driver\""));
  }

  @Test
  void theAllPairsMatrixCarriesTheDriverColumnLikeTheFullAnalyzer() throws Exception {
    Report r = dgx2("chipset-not-supported");
    P2pAnalyzer an = new P2pAnalyzer(r);
    CompactMatrix m = CompactMatrix.of(an);
    List<Device> ds = m.devices();
    int i = ds.indexOf(device(an, A));
    int j = ds.indexOf(device(an, B));
    CompactMatrix.Verdict cv =
        m.verdicts().get(m.pairs()[CompactMatrix.index(ds.size(), Math.min(i, j), Math.max(i, j))]);
    assertEquals("CNS", cv.driver().label().toString());
    assertEquals(CompactMatrix.of(an.pair(device(an, A), device(an, B))), cv);
  }

  @Test
  void labelsAsNvidiaSmiPrintsThem() {
    assertEquals("OK", new DriverVerdict("ok", "ok", null, null, null).label().toString());
    assertEquals(
        "GNS", new DriverVerdict("ok", "gpu-not-supported", null, null, null).label().toString());
    assertEquals(
        "TNS",
        new DriverVerdict("ioh-topology-not-supported", "ok", null, null, null).label().toString());
    assertEquals(
        "NS", new DriverVerdict("disabled-by-regkey", "ok", null, null, null).label().toString());
    assertEquals("U", new DriverVerdict(null, null, null, null, null).label().toString());
  }
}
