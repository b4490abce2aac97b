package dev.fabricscope.p2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.sysfs.SysfsDiscovery;
import dev.fabricscope.topology.Report;
import dev.fabricscope.topology.SyntheticHosts;
import java.util.ArrayList;
import java.util.List;
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
  void agreesOnTheWorkedExamples() {
    assertSame(
        WorkedExamplesTest.oneSwitch(WorkedExamplesTest.haswell())
            .redirect("0000:02:01.0")
            .build());
    assertSame(WorkedExamplesTest.skylakeStacks(1).build());
  }
}
