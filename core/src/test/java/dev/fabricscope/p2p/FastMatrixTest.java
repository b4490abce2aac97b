package dev.fabricscope.p2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.importer.ImportException;
import dev.fabricscope.importer.Importers;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.sysfs.SysfsDiscovery;
import dev.fabricscope.topology.Report;
import dev.fabricscope.topology.SyntheticHosts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The fast all-pairs path gives exactly the full analyzer's verdicts (which the oracles check). */
class FastMatrixTest {

  static void assertSame(Report r) {
    P2pAnalyzer full = new P2pAnalyzer(r);
    FastMatrix fast = new FastMatrix(full);
    List<Device> d = fast.devices();
    FastMatrix.Cell[] cells = fast.allPairs();
    int k = 0;
    for (int i = 0; i < d.size(); i++) {
      for (int j = i + 1; j < d.size(); j++) {
        PairVerdict v = full.pair(d.get(i), d.get(j));
        FastMatrix.Cell c = cells[k++];
        String what = d.get(i) + " / " + d.get(j);
        assertEquals(v.kernel(), c.kernel(), what);
        assertEquals(v.nvidia(), c.nvidia(), what);
        assertEquals(v.nvidiaPcie(), c.nvidiaPcie(), what);
        assertEquals(v.nccl(), c.nccl(), what);
        assertEquals(v.bottleneck(), c.bottleneck(), what);
      }
    }
    assertEquals(cells.length, k);
  }

  @Test
  void agreesOnSyntheticNestedSwitches() {
    assertSame(SyntheticHosts.nestedSwitches("s", 200));
  }

  @Test
  void agreesOnTheRigCapturesAndEveryFixture() throws Exception {
    List<String> checked = new ArrayList<>();
    for (var archive : Fixtures.archives()) {
      try (var u = ArchiveExtractor.extract(archive)) {
        assertSame(new SysfsDiscovery().discover(u.sysfsRoot()));
        checked.add(archive.getFileName().toString());
      }
    }
    assertTrue(checked.size() >= 10, checked.toString());
  }

  @Test
  void agreesOnEveryImportedFixture() throws Exception {
    // hwloc XML, NCCL topology XML and lspci text: the imports the server stores (a file that is
    // no topology, like NCCL's graph file or a bare nvidia-smi matrix, is refused by the importer)
    List<String> checked = new ArrayList<>();
    for (String dir : List.of("hwloc-xml", "nccl-xml", "text")) {
      try (Stream<Path> files = Files.list(Fixtures.root().resolve(dir))) {
        for (Path f : files.sorted().toList()) {
          Report r;
          try {
            r = Importers.load(f);
          } catch (ImportException e) {
            continue;
          }
          assertSame(r);
          checked.add(f.getFileName().toString());
        }
      }
    }
    assertTrue(checked.size() >= 20, checked.toString());
    assertTrue(
        checked.containsAll(List.of("nvidiaDGX2.xml", "aws-p5.48xl-topo.xml")), checked.toString());
  }

  @Test
  void compactMatrixHoldsTheFullVerdictOfEveryPair() throws Exception {
    Report r = Importers.load(Fixtures.root().resolve("hwloc-xml/nvidiaDGX2.xml"));
    P2pAnalyzer full = new P2pAnalyzer(r);
    CompactMatrix m = CompactMatrix.of(full);
    List<Device> d = m.devices();
    assertEquals(full.devices(), d);
    assertEquals(d.size() * (d.size() - 1) / 2, m.pairs().length);
    // few distinct verdicts: that is what keeps the answer small
    assertTrue(m.verdicts().size() < m.pairs().length / 4, m.verdicts().size() + " verdicts");
    for (int i = 0; i < d.size(); i++) {
      for (int j = 0; j < d.size(); j++) {
        if (i != j) {
          CompactMatrix.Verdict expected = CompactMatrix.of(full.pair(d.get(i), d.get(j)));
          assertEquals(expected, m.verdict(i, j), d.get(i) + " / " + d.get(j));
        }
      }
    }
  }

  @Test
  void agreesOnTheWorkedExamples() {
    assertSame(
        WorkedExamplesTest.oneSwitch(WorkedExamplesTest.haswell())
            .redirect("0000:02:01.0")
            .build());
    assertSame(WorkedExamplesTest.skylakeStacks(1).build());
  }
}
