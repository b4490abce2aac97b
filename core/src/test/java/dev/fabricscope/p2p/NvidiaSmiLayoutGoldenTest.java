package dev.fabricscope.p2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.importer.Importers;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.oracle.NvidiaSmiTopoParser;
import dev.fabricscope.oracle.NvidiaSmiTopoParser.Topo;
import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.sysfs.SysfsDiscovery;
import dev.fabricscope.topology.Report;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@code topo}'s nvidia-smi part against every real {@code nvidia-smi topo -m} output in the
 * fixtures (p2p-rules.md §4.1). The H200 host has its own gathered tree, so there our output must
 * be nvidia-smi's text itself; Puget's pasted lspci text is compared cell by cell where the import
 * knows the devices; the outputs users pasted without a topology fix the format both must share.
 */
class NvidiaSmiLayoutGoldenTest {

  static final String H200 = "gpu-hosts/h200-passthrough";
  static final List<String> USER_OUTPUTS =
      List.of(
          "text/warpem-miss-alignment-106.txt",
          "text/pytorch-47885.txt",
          "text/nccl-tests-320.txt",
          "text/puget-threadripper-pro-wrx90.md");

  static Report h200() throws Exception {
    try (var u = ArchiveExtractor.extract(Fixtures.root().resolve(H200 + ".tar.bz2"))) {
      return new SysfsDiscovery().discover(u.sysfsRoot());
    }
  }

  static String topo(Report r) {
    return TopoText.render(new P2pAnalyzer(r).matrix(), r);
  }

  static String fixture(String name) {
    return Fixtures.read(Fixtures.root().resolve(name));
  }

  @Test
  void h200TopoStartsWithNvidiaSmisOwnTextByteForByte() throws Exception {
    String real = fixture(H200 + ".nvidia-smi-topo-m.txt");
    String ours = topo(h200());
    assertTrue(ours.length() > real.length(), ours);
    assertEquals(real, ours.substring(0, real.length()));
    // nvidia-smi's part ends there: no NIC Legend (the virtio-net is no RDMA NIC), then ours
    assertTrue(ours.substring(real.length()).startsWith("\nWith the devices"), ours);
  }

  @Test
  void h200CellByCell() throws Exception {
    Topo real = NvidiaSmiTopoParser.parse(fixture(H200 + ".nvidia-smi-topo-m.txt"));
    Topo ours = NvidiaSmiTopoParser.parse(topo(h200()));
    assertEquals(List.of("GPU0"), real.devices(), "the oracle lists one GPU, no NIC");
    assertEquals(real.devices(), ours.devices());
    assertEquals(real.affinityColumns(), ours.affinityColumns());
    assertEquals(real.cells(), ours.cells());
    assertEquals(real.affinity(), ours.affinity());
    assertEquals(real.legend(), ours.legend());
    assertEquals(real.nicLegend(), ours.nicLegend());
  }

  /**
   * Puget (pasted lspci/lscpu text): every device both list sits at the same label, on the same BDF
   * as nvidia-smi's own Bus-Id column and NIC legend say (PugetFixture.smiNames), with the same
   * cells. Affinity values must equal nvidia-smi's where the import knows them; the lspci import
   * carries no numactl section and no RDMA names, so N/A and an unnamed NIC are allowed.
   */
  @Test
  void pugetAgreesWithItsNvidiaSmiWhereTheImportKnowsTheDevices() throws Exception {
    String text = PugetFixture.text();
    Topo real = NvidiaSmiTopoParser.parse(text);
    Report r = Importers.load(PugetFixture.file());
    Topo ours = NvidiaSmiTopoParser.parse(topo(r));
    assertEquals(List.of("GPU0", "GPU1", "NIC0", "NIC1"), real.devices());
    // NIC1 is the ConnectX-7's second port, which lspci's tree names without a -vvv block: the
    // import classifies it from its sibling (LspciSiblings), so nvidia-smi's four rows are ours
    assertEquals(real.devices(), ours.devices());
    assertEquals(real.affinityColumns(), ours.affinityColumns());
    assertEquals(real.legend(), ours.legend());
    Map<String, String> bdfs = PugetFixture.smiNames(text);
    DeviceNames names = DeviceNames.of(new P2pAnalyzer(r));
    int cells = 0;
    for (String row : ours.devices()) {
      assertEquals(bdfs.get(row), names.resolve(row).bdf(), row + " is nvidia-smi's " + row);
      for (String col : ours.devices()) {
        String theirs = real.cells().get(row).get(real.devices().indexOf(col));
        assertEquals(theirs, ours.cells().get(row).get(ours.devices().indexOf(col)), row + col);
        cells++;
      }
      List<String> a = ours.affinity().get(row);
      List<String> b = real.affinity().get(row);
      assertEquals(b.size(), a.size(), row + " affinity values " + a + " vs " + b);
      for (int i = 0; i < a.size(); i++) {
        assertTrue(a.get(i).equals(b.get(i)) || a.get(i).equals(SmiLayout.NA), row + " " + a);
      }
    }
    assertTrue(cells >= 9, cells + " cells");
    ours.nicLegend()
        .forEach(
            (nic, rdma) ->
                assertTrue(
                    rdma.equals(real.nicLegend().get(nic)) || rdma.equals(TopoText.UNNAMED), nic));
  }

  /** The format rules of nvidia-smi, as every real output shows them. */
  static void assertNvidiaSmiFormat(Topo t, String what) {
    List<String> gpus = t.devices().stream().filter(d -> d.startsWith("GPU")).toList();
    List<String> nics = t.devices().stream().filter(d -> d.startsWith("NIC")).toList();
    assertEquals(gpus.size() + nics.size(), t.devices().size(), what);
    List<String> order = new ArrayList<>();
    for (int i = 0; i < gpus.size(); i++) {
      order.add("GPU" + i);
    }
    for (int i = 0; i < nics.size(); i++) {
      order.add("NIC" + i);
    }
    assertEquals(order, t.devices(), what + ": GPUs first, then NICs, numbered from 0");
    assertEquals(t.devices(), List.copyOf(t.cells().keySet()), what + ": rows as columns");
    // current drivers print all three; older ones (pytorch-47885) the first two
    List<String> cols = SmiLayout.AFFINITY_COLUMNS;
    assertTrue(t.affinityColumns().size() >= 2, what);
    assertEquals(cols.subList(0, t.affinityColumns().size()), t.affinityColumns(), what);
    for (String row : t.devices()) {
      List<String> cells = t.cells().get(row);
      assertEquals("X", cells.get(t.devices().indexOf(row)), what + " " + row);
      for (int j = 0; j < cells.size(); j++) {
        String other = t.devices().get(j);
        assertEquals(t.cells().get(other).get(t.devices().indexOf(row)), cells.get(j), what);
        assertTrue(cells.get(j).matches("X|SYS|NODE|PHB|PXB|PIX|NV\\d+"), what + " " + cells);
      }
      int values = t.affinity().get(row).size();
      assertEquals(row.startsWith("GPU") ? t.affinityColumns().size() : 0, values, what + row);
    }
    if (!nics.isEmpty()) {
      assertEquals(nics, List.copyOf(t.nicLegend().keySet()), what + ": one legend line per NIC");
      List<String> rdma = List.copyOf(t.nicLegend().values());
      List<String> sorted = rdma.stream().sorted(NaturalOrder::compare).toList();
      assertEquals(sorted, rdma, what + ": NICs in RDMA name order");
    }
  }

  @TestFactory
  Stream<DynamicTest> usersNvidiaSmiOutputsHaveTheFormatOursHas() {
    return USER_OUTPUTS.stream()
        .map(
            f ->
                DynamicTest.dynamicTest(
                    f, () -> assertNvidiaSmiFormat(NvidiaSmiTopoParser.parse(fixture(f)), f)));
  }

  /** Our output, read by the same parser, follows the same rules on hosts with GPUs and NICs. */
  @TestFactory
  Stream<DynamicTest> oursHasTheFormatOfTheUsersOutputs() {
    return Stream.of(
            "hwloc-xml/llnl-lassen.xml",
            "hwloc-xml/nvidiaDGX2.xml",
            "hwloc-xml/24em64t-2n6c2t-pci.xml",
            "nccl-xml/azure-ndv4-topo.xml",
            "nccl-xml/aws-p4d-24xl-topo.xml")
        .map(
            f ->
                DynamicTest.dynamicTest(
                    f,
                    () -> {
                      Report r = Importers.load(Fixtures.root().resolve(f));
                      Topo t = NvidiaSmiTopoParser.parse(topo(r));
                      assertNvidiaSmiFormat(t, f);
                      Topo legend = NvidiaSmiTopoParser.parse(fixture(USER_OUTPUTS.get(0)));
                      assertEquals(legend.legend(), t.legend(), f + ": nvidia-smi's legend");
                    }));
  }

  /**
   * Lassen (IBM AC922, hwloc XML): two dual-port ConnectX-5, each port its own PCI function and its
   * own RDMA device, so four NICs, named as hwloc's OpenFabrics devices name them.
   */
  @Test
  void everyPortOfADualPortNicIsItsOwnNic() throws Exception {
    Path f = Fixtures.root().resolve("hwloc-xml/llnl-lassen.xml");
    Report r = Importers.load(f);
    Topo t = NvidiaSmiTopoParser.parse(topo(r));
    assertEquals(
        Map.of("NIC0", "mlx5_0", "NIC1", "mlx5_1", "NIC2", "mlx5_2", "NIC3", "mlx5_3"),
        t.nicLegend());
    DeviceNames names = DeviceNames.of(new P2pAnalyzer(r));
    List<String> bdfs = t.nicLegend().keySet().stream().map(n -> names.resolve(n).bdf()).toList();
    assertEquals(4, bdfs.stream().distinct().count(), bdfs + "");
    // the two ports of one adapter: functions .0 and .1 of one device
    assertEquals(bdfs.get(0).substring(0, 10), bdfs.get(1).substring(0, 10), bdfs + "");
    assertFalse(t.devices().stream().anyMatch(d -> d.startsWith("NET")));
  }
}
