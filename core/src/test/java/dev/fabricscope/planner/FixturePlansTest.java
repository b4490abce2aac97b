package dev.fabricscope.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fabricscope.importer.Importers;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.topology.Report;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 acceptance 2: "every GPU to host memory" on two real machines, against a hand
 * computation from the links in the files (shared/fixtures/hwloc-xml). hwloc gives each link as
 * {@code pci_link_speed} in GB/s after encoding; the path model takes it as the raw rate and
 * applies LinkMath's usable factor at MPS 256 (the files carry no config space): raw × 256/282 ×
 * 0.95, rounded to 0.01 per link.
 */
class FixturePlansTest {

  private static Report load(String name) throws Exception {
    return Importers.load(Fixtures.root().resolve("hwloc-xml").resolve(name));
  }

  /**
   * nvidiaDGX2.xml: four root ports (8086:2030) at 0000:2b, 4e (Package 0, NUMA 0) and ae, d7
   * (Package 1, NUMA 1). Below each, a PLX switch whose upstream port (2c:00.0, 4f:00.0, af:00.0,
   * d8:00.0) has pci_link_speed 15.753846 (Gen3 x16), fanning out to two second-level switches
   * (e.g. 32:00.0 and 37:00.0, 15.753846 each) with two V100s each (34:00.0, 36:00.0 | 39:00.0,
   * 3b:00.0; 15.753846 each). The third port of the first level leads to NVSwitches, which carry no
   * flow here. So four GPUs share one uplink of 15.753846 × 256/282 × 0.95 = 13.586 → 13.59 GB/s:
   * 13.59 / 4 = 3.3975 → 3.40 GB/s each, bottleneck the first-level uplink with 4 flows. Host
   * memory of a node takes 8 × 3.3975 = 27.18 GB/s, under the 60.09 GB/s default (LinkRates).
   */
  @Test
  void dgx2EveryGpuToHostMemory() throws Exception {
    PlanResult r = new Planner(load("nvidiaDGX2.xml")).plan(Pattern.GPU_TO_HOST, null);
    Map<String, String> uplinkOf =
        Map.of(
            "2b", "0000:2c:00.0", "4e", "0000:4f:00.0", "ae", "0000:af:00.0", "d7", "0000:d8:00.0");
    List<String> gpus =
        List.of(
            "0000:34:00.0",
            "0000:36:00.0",
            "0000:39:00.0",
            "0000:3b:00.0",
            "0000:57:00.0",
            "0000:59:00.0",
            "0000:5c:00.0",
            "0000:5e:00.0",
            "0000:b7:00.0",
            "0000:b9:00.0",
            "0000:bc:00.0",
            "0000:be:00.0",
            "0000:e0:00.0",
            "0000:e2:00.0",
            "0000:e5:00.0",
            "0000:e7:00.0");
    assertEquals(gpus, r.pairing().stream().map(GpuPairing::gpu).toList());
    for (int i = 0; i < 16; i++) {
      GpuPairing p = r.pairing().get(i);
      assertEquals(i, p.cudaIndex());
      assertEquals(i < 8 ? 0 : 1, p.numaNode(), p.gpu());
      PlanResult.FlowRate f = r.flows().get(i);
      assertEquals(gpus.get(i), f.source());
      assertEquals("memory:" + (i < 8 ? 0 : 1), f.target());
      assertEquals(3.40, f.predictedGBps(), 1e-9, f.source());
      String root = i < 4 ? "2b" : i < 8 ? "4e" : i < 12 ? "ae" : "d7";
      assertEquals(uplinkOf.get(root), f.bottleneck().downstream());
      assertEquals("0000:" + root + ":00.0", f.bottleneck().upstream());
      assertEquals(13.59, f.bottleneck().capacityGBps(), 1e-9);
      assertEquals(4, f.bottleneck().flows());
    }
    PlanResult.LinkLoad memory0 =
        r.links().stream().filter(l -> l.downstream().equals("numa:0")).findFirst().orElseThrow();
    assertEquals(27.18, memory0.usedGBps(), 1e-9);
    assertEquals(8, memory0.flows());
  }

  /**
   * llnl-lassen.xml (POWER9 AC922, PCIe only: the file has no NVLink to the CPU): V100s
   * 0004:04:00.0 and 0004:05:00.0 (NUMA 0) below PLX 8725 upstream port 0004:01:00.0, and
   * 0035:03:00.0, 0035:04:00.0 (NUMA 8) below 0035:01:00.0. Each GPU's link is 1.969231 GB/s →
   * 1.969231 × 256/282 × 0.95 = 1.698 → 1.70; each switch uplink 3.938462 → 3.397 → 3.40 for two
   * GPUs. Both bind at once: 1.70 GB/s each, and the smaller link, the GPU's own, is named.
   * Pairing: one ConnectX-5 per socket, two functions each (mlx5_0/1 at 0003:01:00.0/.1 on NUMA 0,
   * mlx5_2/3 at 0033 on NUMA 8), on other root buses than the GPUs, so NODE on the own socket and
   * SYS across; the two GPUs of a socket take one function each. The one NVMe (0000:01:00.0, NUMA
   * 0) serves all four.
   */
  @Test
  void lassenEveryGpuToHostMemory() throws Exception {
    PlanResult r = new Planner(load("llnl-lassen.xml")).plan(Pattern.GPU_TO_HOST, null);
    List<String> gpus = List.of("0004:04:00.0", "0004:05:00.0", "0035:03:00.0", "0035:04:00.0");
    List<String> nics = List.of("mlx5_0", "mlx5_1", "mlx5_2", "mlx5_3");
    for (int i = 0; i < 4; i++) {
      GpuPairing p = r.pairing().get(i);
      assertEquals(gpus.get(i), p.gpu());
      assertEquals(i < 2 ? 0 : 8, p.numaNode());
      assertEquals(nics.get(i), p.rdma());
      assertEquals(PathClass.NODE, p.pathClass());
      assertEquals("NODE", p.nvidia().toString());
      assertEquals("0000:01:00.0", p.nvme());
      assertEquals(
          i < 2 ? PathClass.SYS : PathClass.NODE, p.attributes().nicPathClass().get("mlx5_3"));
      PlanResult.FlowRate f = r.flows().get(i);
      assertEquals("memory:" + (i < 2 ? 0 : 8), f.target());
      assertEquals(1.70, f.predictedGBps(), 1e-9);
      assertEquals(gpus.get(i), f.bottleneck().downstream());
      assertEquals(1, f.bottleneck().flows());
    }
    PlanResult.LinkLoad uplink =
        r.links().stream()
            .filter(l -> l.downstream().equals("0004:01:00.0"))
            .findFirst()
            .orElseThrow();
    assertEquals(3.40, uplink.capacityGBps(), 1e-9);
    assertEquals(3.40, uplink.usedGBps(), 1e-9);
    assertEquals(2, uplink.flows());
  }
}
