package dev.fabricscope.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.graph.FabricGraph.Edge;
import dev.fabricscope.graph.FabricGraph.Node;
import dev.fabricscope.importer.Importers;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.oracle.LspciVerboseParser;
import dev.fabricscope.topology.NvLink;
import dev.fabricscope.topology.Report;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The drawable graph against the sources: lspci's link status on the rig, the DGX-2's NVLinks. */
class FabricGraphsTest {

  static void wellFormed(FabricGraph g) {
    Set<String> ids = new HashSet<>();
    for (Node n : g.nodes()) {
      assertTrue(ids.add(n.id()), "duplicate node " + n.id());
    }
    for (Node n : g.nodes()) {
      assertTrue(n.parent() == null || ids.contains(n.parent()), n.id() + " in " + n.parent());
    }
    Set<String> edgeIds = new HashSet<>();
    for (Edge e : g.edges()) {
      assertTrue(edgeIds.add(e.id()), "duplicate edge " + e.id());
      assertTrue(ids.contains(e.source()) && ids.contains(e.target()), e.toString());
    }
  }

  @Test
  void dgx2DrawsEveryNvlinkBondWithItsCount() throws Exception {
    Report dgx = Importers.load(Fixtures.root().resolve("hwloc-xml/nvidiaDGX2.xml"));
    FabricGraph g = FabricGraphs.of(dgx, Map.of(), false);
    wellFormed(g);
    Set<String> bonds = new HashSet<>();
    for (NvLink l : dgx.nvlinks()) {
      bonds.add(l.a().compareTo(l.b()) < 0 ? l.a() + l.b() : l.b() + l.a());
    }
    List<Edge> nv = g.edges().stream().filter(e -> e.kind().equals("nvlink")).toList();
    assertEquals(bonds.size(), nv.size());
    assertTrue(nv.stream().allMatch(e -> e.label().equals("NV" + e.count()) && e.count() > 0));
    // every V100 has NVLinks into the switch fabric (nvidia-smi prints NV6 for every pair)
    long gpusWithNvlink =
        g.nodes().stream()
            .filter(n -> n.kind().equals("gpu"))
            .filter(
                n ->
                    nv.stream()
                        .anyMatch(e -> e.source().equals(n.id()) || e.target().equals(n.id())))
            .count();
    assertEquals(16, gpusWithNvlink);
  }

  @Test
  void rigLinksAreLabelledAsLspciReadsTheirStatusAndSwitchPortsShareABox() throws Exception {
    Report rig = Fixtures.discover("qemu-rig-iommu");
    FabricGraph g = FabricGraphs.of(rig, Map.of("0000:03:00.0", "NVME0"), false);
    wellFormed(g);
    Map<String, LspciVerboseParser.Function> vvv =
        LspciVerboseParser.parse(Fixtures.read(Fixtures.sysfs("qemu-rig-iommu/lspci-vvv.txt")));
    int compared = 0;
    for (Edge e : g.edges()) {
      if (!e.kind().equals("pcie")) {
        continue;
      }
      LspciVerboseParser.Link sta = vvv.get(e.target()).lnkSta();
      if (sta == null || sta.speedGTs() == null) {
        continue;
      }
      Map<Double, String> gen =
          Map.of(2.5, "Gen1", 5.0, "Gen2", 8.0, "Gen3", 16.0, "Gen4", 32.0, "Gen5");
      assertEquals(gen.get(sta.speedGTs()) + " x" + sta.width(), e.label(), e.target());
      compared++;
    }
    assertTrue(compared >= 6, compared + " links compared");
    for (String port : List.of("0000:01:00.0", "0000:02:00.0", "0000:02:03.0")) {
      assertEquals("sw:0000:01:00.0", node(g, port).parent(), port);
    }
    assertEquals(
        List.of("NVME0 · 03:00.0", node(g, "0000:03:00.0").label().get(1)),
        node(g, "0000:03:00.0").label());
    assertTrue(node(g, "0000:00:10.0").acsRedirect(), "root ports redirect with the IOMMU on");
    // the ICH9 functions on the root bus are platform devices, hidden unless asked for
    assertTrue(g.hiddenPlatform() > 0);
    FabricGraph all = FabricGraphs.of(rig, Map.of(), true);
    wellFormed(all);
    List<Node> drawn = all.nodes().stream().filter(n -> !n.type().equals("platform")).toList();
    assertEquals(g.nodes().size() + g.hiddenPlatform(), drawn.size());
    // drawn, they sit in one box per root bus (the rig has one, pci0000:00), linked once to it
    List<Node> boxes = all.nodes().stream().filter(n -> n.type().equals("platform")).toList();
    assertEquals(List.of("platform:pci0000:00"), boxes.stream().map(Node::id).toList());
    assertEquals(g.hiddenPlatform() + " platform devices", boxes.get(0).label().get(0));
    assertEquals(
        g.hiddenPlatform(),
        all.nodes().stream().filter(n -> "platform:pci0000:00".equals(n.parent())).count());
    assertEquals(
        1, all.edges().stream().filter(e -> e.target().equals("platform:pci0000:00")).count());
    assertTrue(
        all.edges().stream()
            .noneMatch(
                e ->
                    all.nodes().stream()
                        .anyMatch(
                            n ->
                                n.id().equals(e.target())
                                    && "platform:pci0000:00".equals(n.parent()))));
  }

  @Test
  void dgx2GpusOnTwoBaseboardsMeetThroughTheirSixNvswitchLinksEach() throws Exception {
    Report dgx = Importers.load(Fixtures.root().resolve("hwloc-xml/nvidiaDGX2.xml"));
    FabricGraph g = FabricGraphs.of(dgx, Map.of(), false);
    List<String> gpus =
        dgx.pci().stream()
            .filter(f -> f.kind() == dev.fabricscope.topology.DeviceKind.GPU)
            .map(f -> f.bdf())
            .sorted()
            .toList();
    assertEquals(16, gpus.size());
    // the lowest and the highest BDF sit on different baseboards (0000:3x and 0000:bx/ex)
    NvlinkRoute r = NvlinkRoute.of(g, gpus.get(0), gpus.get(15));
    assertTrue(r.viaSwitches());
    // a V100 on a DGX-2 has six NVLinks, one to each of its baseboard's six NVSwitches
    assertEquals(12, r.edges().size());
    assertEquals(2 + 12, r.nodes().size(), r.nodes().toString());
    for (String n : r.nodes().subList(2, r.nodes().size())) {
      assertEquals("nvswitch", node(g, n).kind(), n);
    }
  }

  @Test
  void power8GpusOfOneSocketTakeTheirDirectBondAndAcrossSocketsNone() throws Exception {
    Report minsky = Importers.load(Fixtures.root().resolve("hwloc-xml/power8gpudistances.xml"));
    FabricGraph g = FabricGraphs.of(minsky, Map.of(), false);
    NvLink bond =
        minsky.nvlinks().stream()
            .filter(
                l ->
                    minsky.pci().stream()
                        .filter(f -> f.kind() == dev.fabricscope.topology.DeviceKind.GPU)
                        .map(f -> f.bdf())
                        .toList()
                        .containsAll(List.of(l.a(), l.b())))
            .findFirst()
            .orElseThrow();
    NvlinkRoute r = NvlinkRoute.of(g, bond.b(), bond.a());
    assertEquals(1, r.edges().size());
    assertTrue(!r.viaSwitches());
    Edge e = g.edges().stream().filter(x -> x.id().equals(r.edges().get(0))).findFirst().get();
    assertEquals("NV" + bond.count(), e.label());
    // a GPU without any NVLink to the other: nothing to draw
    String lonely =
        minsky.pci().stream()
            .filter(f -> f.kind() == dev.fabricscope.topology.DeviceKind.GPU)
            .map(f -> f.bdf())
            .filter(
                b ->
                    minsky.nvlinks().stream()
                        .noneMatch(
                            l ->
                                l.a().equals(bond.a()) && l.b().equals(b)
                                    || l.b().equals(bond.a()) && l.a().equals(b)))
            .filter(b -> !b.equals(bond.a()))
            .findFirst()
            .orElseThrow();
    assertTrue(NvlinkRoute.of(g, bond.a(), lonely).edges().isEmpty());
  }

  @Test
  void searchKeysAreTheDriverRdmaNetNvmeAndUuidOfTheFunction() throws Exception {
    Report rig = Fixtures.discover("qemu-rig-iommu");
    FabricGraph g = FabricGraphs.of(rig, Map.of(), false);
    // the rig's NVMe controller (lspci: 03:00.0) is nvme0, bound to the nvme driver
    Node nvme = node(g, "0000:03:00.0");
    assertTrue(nvme.keys().contains("nvme"), nvme.keys().toString());
    assertTrue(nvme.keys().contains("nvme0"), nvme.keys().toString());
  }

  static Node node(FabricGraph g, String id) {
    return g.nodes().stream().filter(n -> n.id().equals(id)).findFirst().orElseThrow();
  }
}
