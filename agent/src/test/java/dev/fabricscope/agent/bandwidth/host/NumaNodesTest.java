package dev.fabricscope.agent.bandwidth.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.sysfs.ArchiveExtractor;
import java.util.List;
import org.junit.jupiter.api.Test;

class NumaNodesTest {

  /**
   * hwloc's nvidiagpunumanodes machine (real, gathered): 2 CPU nodes and 6 GPU-memory nodes without
   * CPUs (as its expected console output in the fixtures lists).
   */
  @Test
  void gpuMemoryNodesHaveNoCpus() throws Exception {
    try (var u = ArchiveExtractor.extract(Fixtures.sysfs("hwloc-nvidiagpunumanodes.tar.bz2"))) {
      NumaNodes n = NumaNodes.read(u.sysfsRoot());
      assertTrue(n.numaKernel());
      assertEquals(8, n.nodes().size(), n.endpoints().toString());
      long withCpus = n.nodes().values().stream().filter(x -> x.cpus().length > 0).count();
      assertEquals(2, withCpus);
      n.nodes()
          .values()
          .forEach(x -> assertTrue(x.memTotalBytes() != null && x.memTotalBytes() > 0));
    }
  }

  @Test
  void allowedCpusComeFromProcStatus() {
    String status = "Name:\tjava\nCpus_allowed:\t3\nCpus_allowed_list:\t0-1,4\nMems_allowed:\t1\n";
    assertArrayEquals(new int[] {0, 1, 4}, NumaNodes.allowedCpus(status));
  }

  @Test
  void liveHostHasNodeZeroWithCpusAndMemory() {
    NumaNodes n = NumaNodes.live();
    assertTrue(n.node(0).isPresent());
    assertTrue(n.node(0).get().cpus().length > 0);
    assertTrue(n.node(0).get().memTotalBytes() != null && n.node(0).get().memTotalBytes() > 0);
    assertFalse(n.endpoints().isEmpty());
    assertEquals(List.copyOf(n.endpoints()).get(0), "numa:0");
  }
}
