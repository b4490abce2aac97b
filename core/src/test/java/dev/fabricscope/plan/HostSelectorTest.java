package dev.fabricscope.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.importer.Importers;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.p2p.MapType;
import dev.fabricscope.p2p.P2pAnalyzer;
import dev.fabricscope.plan.HostOffer.GpuOffer;
import dev.fabricscope.plan.HostSelector.Selection;
import dev.fabricscope.planner.PathClass;
import dev.fabricscope.topology.Report;
import dev.fabricscope.topology.SyntheticHosts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Host selection: ranking and every reason a host is left out, on hand-made offers and Lassen. */
class HostSelectorTest {

  static GpuOffer gpu(String bdf, String rdma, String layer, String kernel, Double gbps) {
    MapType k = MapType.valueOf(kernel);
    return new GpuOffer(
        bdf, rdma == null ? null : "0000:99:00.0", rdma, 1, layer, k, PathClass.PIX, gbps);
  }

  static HostOffer host(String name, int ib, GpuOffer... gpus) {
    return new HostOffer(name, List.of(gpus), ib == 0 ? Map.of() : Map.of("InfiniBand", ib));
  }

  @Test
  void hostsRankByTheirSlowestChosenGpuAndTheOthersSayWhy() {
    List<HostOffer> fleet = new ArrayList<>();
    fleet.add(
        host(
            "fast",
            2,
            gpu("0000:01:00.0", "mlx5_0", "InfiniBand", "BUS_ADDR", 24.0),
            gpu("0000:02:00.0", "mlx5_1", "InfiniBand", "BUS_ADDR", 22.0)));
    fleet.add(
        host(
            "shared-uplink",
            2,
            gpu("0000:01:00.0", "mlx5_0", "InfiniBand", "BUS_ADDR", 12.0),
            gpu("0000:02:00.0", "mlx5_1", "InfiniBand", "BUS_ADDR", 12.0)));
    fleet.add(host("one-gpu", 2, gpu("0000:01:00.0", "mlx5_0", "InfiniBand", "BUS_ADDR", 24.0)));
    fleet.add(
        host(
            "no-gdr",
            2,
            gpu("0000:01:00.0", "mlx5_0", "InfiniBand", "NOT_SUPPORTED", 24.0),
            gpu("0000:02:00.0", "mlx5_1", "InfiniBand", "BUS_ADDR", 24.0)));
    fleet.add(
        new HostOffer(
            "ethernet",
            List.of(
                gpu("0000:01:00.0", "mlx5_0", "Ethernet", "BUS_ADDR", 24.0),
                gpu("0000:02:00.0", "mlx5_1", "Ethernet", "BUS_ADDR", 24.0)),
            Map.of("Ethernet", 2)));
    fleet.add(
        host(
            "slow",
            2,
            gpu("0000:01:00.0", "mlx5_0", "InfiniBand", "BUS_ADDR", 3.0),
            gpu("0000:02:00.0", "mlx5_1", "InfiniBand", "BUS_ADDR", 24.0)));
    fleet.add(
        host(
            "few-ports",
            1,
            gpu("0000:01:00.0", "mlx5_0", "InfiniBand", "BUS_ADDR", 24.0),
            gpu("0000:02:00.0", "mlx5_0", "InfiniBand", "BUS_ADDR", 24.0)));
    Selection s = HostSelector.select(new JobShape(2, 1, true, 10.0, "infiniband"), fleet);
    assertEquals(
        List.of("fast", "shared-uplink"),
        s.qualified().stream().map(HostSelector.Fit::host).toList());
    assertEquals(22.0, s.qualified().get(0).minGpuNicGBps());
    assertEquals(46.0, s.qualified().get(0).totalGpuNicGBps());
    Map<String, String> why = new java.util.TreeMap<>();
    s.rejected().forEach(r -> why.put(r.host(), r.reason()));
    assertEquals("1 NVIDIA GPUs; the job needs 2", why.get("one-gpu"));
    assertTrue(why.get("no-gdr").contains("NOT_SUPPORTED"), why.get("no-gdr"));
    assertEquals("0 RDMA ports on infiniband; the job needs 2", why.get("ethernet"));
    assertTrue(why.get("slow").contains("3.00 GB/s, below 10.00"), why.get("slow"));
    assertEquals("1 RDMA ports on infiniband; the job needs 2", why.get("few-ports"));
    // without the GPUDirect and rate demands the same fleet offers more, best chosen GPUs first
    Selection loose = HostSelector.select(new JobShape(1, 1, false, null, null), fleet);
    assertEquals(7, loose.qualified().size());
    assertEquals(
        "0000:02:00.0",
        loose.qualified().stream()
            .filter(f -> f.host().equals("slow"))
            .findFirst()
            .get()
            .gpus()
            .get(0)
            .gpu());
  }

  @Test
  void jobShapesOutOfRangeAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new JobShape(0, 1, false, null, null));
    assertThrows(IllegalArgumentException.class, () -> new JobShape(65, 1, false, null, null));
    assertThrows(IllegalArgumentException.class, () -> new JobShape(1, 9, false, null, null));
    assertThrows(IllegalArgumentException.class, () -> new JobShape(1, 1, false, -1.0, null));
    assertThrows(IllegalArgumentException.class, () -> new JobShape(1, 1, false, null, "Omni"));
  }

  @Test
  void lassenOffersItsFourGpusWithTheKernelsVerdictsPerNic() throws Exception {
    var path = Fixtures.root().resolve("hwloc-xml/llnl-lassen.xml");
    Report lassen = Importers.load(path);
    HostOffer o = HostOffer.of("lassen", lassen);
    assertEquals(4, o.gpus().size());
    P2pAnalyzer an = new P2pAnalyzer(lassen);
    for (GpuOffer g : o.gpus()) {
      assertTrue(g.rdma() != null && g.rdma().startsWith("mlx5_"), g.toString());
      // the offer carries the kernel's own verdict for the pair it names
      assertEquals(an.pair(an.find(g.gpu()), an.find(g.nic())).kernel().mapType(), g.kernel());
    }
    assertEquals(
        1,
        HostSelector.select(new JobShape(4, 1, false, null, null), List.of(o)).qualified().size());
    assertEquals(
        "4 NVIDIA GPUs; the job needs 5",
        HostSelector.select(new JobShape(5, 1, false, null, null), List.of(o))
            .rejected()
            .get(0)
            .reason());
  }

  /** A host over the planner's bound offers nothing and says why; the fleet is still ranked. */
  @Test
  void aHostOverThePlannersBoundOffersNothingWithTheReason() throws Exception {
    // 200 GPUs × (200 NICs + 200 NVMe) = 80,000 pairs, over 65,536
    HostOffer big =
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
            java.time.Duration.ofSeconds(5),
            () -> HostOffer.of("big", SyntheticHosts.nestedSwitches("big", 600)));
    assertTrue(big.gpus().isEmpty());
    assertTrue(big.notPlanned().startsWith("the host has 200 GPUs, 200 NICs"), big.notPlanned());
    Report lassen = Importers.load(Fixtures.root().resolve("hwloc-xml/llnl-lassen.xml"));
    HostOffer o = HostOffer.of("lassen", lassen);
    assertEquals(null, o.notPlanned());
    Selection s = HostSelector.select(new JobShape(1, 0, false, null, null), List.of(big, o));
    assertEquals(List.of("lassen"), s.qualified().stream().map(HostSelector.Fit::host).toList());
    assertEquals("not planned: " + big.notPlanned(), s.rejected().get(0).reason());
  }
}
