package dev.fabricscope.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fabricscope.path.HostBuilder;
import dev.fabricscope.topology.Report;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 13 acceptance 1: hand-checked cases on small synthetic hosts. */
class PlannerTest {

  static final String RP = "0000:00:01.0";
  static final String USP = "0000:01:00.0";
  static final String GPU0 = "0000:03:00.0";
  static final String GPU1 = "0000:04:00.0";
  static final String NIC = "0000:05:00.0";

  // LinkMath's formula by hand: Gen4 = 16 GT/s per lane, 128b/130b, 16 lanes, 8 bits a byte,
  // then MPS 256 with 26 bytes of TLP overhead and the 0.95 margin
  static final double GEN4_X16_RAW = 16 * 128.0 / 130.0 * 16 / 8; // 31.51 GB/s
  static final double GEN4_X16 = round2(GEN4_X16_RAW * 256.0 / (256 + 26) * 0.95); // 27.17

  /** Root port → one switch (Gen4 x16 uplink) → GPU0, GPU1, NIC, each Gen4 x16. */
  static HostBuilder oneSwitch() {
    return HostBuilder.host()
        .rootPort(RP, 0)
        .switchUp(USP, RP, 16, 16)
        .switchDown("0000:02:00.0", USP)
        .switchDown("0000:02:01.0", USP)
        .switchDown("0000:02:02.0", USP)
        .gpu(GPU0, "0000:02:00.0", 16, 16)
        .gpu(GPU1, "0000:02:01.0", 16, 16)
        .nic(NIC, "0000:02:02.0", 16, 16, "mlx5_0", 400);
  }

  @Test
  void twoGpusToHostShareTheUplinkEqually() {
    PlanResult r = new Planner(oneSwitch().build()).plan(Pattern.GPU_TO_HOST, PlanOptions.DEFAULTS);
    assertEquals(2, r.flows().size());
    for (PlanResult.FlowRate f : r.flows()) {
      assertEquals("memory:0", f.target());
      assertEquals(GEN4_X16 / 2, f.predictedGBps(), 0.006); // 13.585 each
      assertEquals(USP, f.bottleneck().downstream(), "the switch's uplink");
      assertEquals(RP, f.bottleneck().upstream());
      assertEquals("up", f.bottleneck().direction());
      assertEquals(2, f.bottleneck().flows());
      assertEquals(GEN4_X16, f.bottleneck().capacityGBps(), 1e-9);
    }
    assertEquals(r.flows().get(0).predictedGBps(), r.flows().get(1).predictedGBps());
  }

  /**
   * Node 0's memory at 20 GB/s (a measurement) is below the uplink's 27.17: the two GPUs get 10
   * each and memory is the bottleneck; node 1's value concerns no flow here; an override of 5 for
   * every node wins over the node's value: 2.5 each.
   */
  @Test
  void memoryPerNodeBindsAndTheOverrideWins() {
    Planner p = new Planner(oneSwitch().build());
    PlanResult r =
        p.plan(Pattern.GPU_TO_HOST, new PlanOptions(null, null, java.util.Map.of(0, 20.0, 1, 1.0)));
    for (PlanResult.FlowRate f : r.flows()) {
      assertEquals(10.0, f.predictedGBps(), 1e-9);
      assertEquals("memory", f.bottleneck().kind());
      assertEquals("numa:0", f.bottleneck().downstream());
      assertEquals(20.0, f.bottleneck().capacityGBps(), 1e-9);
    }
    PlanResult o =
        p.plan(Pattern.GPU_TO_HOST, new PlanOptions(null, 5.0, java.util.Map.of(0, 20.0)));
    assertEquals(2.5, o.flows().get(0).predictedGBps(), 1e-9);
    assertThrows(
        IllegalArgumentException.class,
        () -> new PlanOptions(null, null, java.util.Map.of(0, 0.0)));
  }

  @Test
  void acsRedirectSendsGpuToNicUpToTheRootPort() {
    List<Flow> flows =
        List.of(
            new Flow(FlowEnd.device(GPU0), FlowEnd.device(NIC)),
            new Flow(FlowEnd.device(GPU1), FlowEnd.memory(0)));
    // without ACS the GPU→NIC flow turns in the switch: both flows run at a full x16 link
    PlanResult free = new Planner(oneSwitch().build()).plan(flows, PlanOptions.DEFAULTS);
    assertEquals(GEN4_X16, free.flows().get(0).predictedGBps(), 1e-9);
    assertEquals(GEN4_X16, free.flows().get(1).predictedGBps(), 1e-9);
    // with ACS redirect on the downstream ports it climbs to the root port: up the uplink and
    // down again, so it shares the uplink's up direction with GPU1's write to memory
    Report acs = oneSwitch().redirect("0000:02:00.0", "0000:02:02.0").build();
    PlanResult r = new Planner(acs).plan(flows, PlanOptions.DEFAULTS);
    for (PlanResult.FlowRate f : r.flows()) {
      assertEquals(GEN4_X16 / 2, f.predictedGBps(), 0.006);
      assertEquals(USP, f.bottleneck().downstream());
      assertEquals(RP, f.bottleneck().upstream());
      assertEquals("up", f.bottleneck().direction());
      assertEquals(2, f.bottleneck().flows());
    }
    PlanResult.LinkLoad down =
        r.links().stream()
            .filter(l -> l.downstream().equals(USP) && l.direction().equals("down"))
            .findFirst()
            .orElseThrow();
    assertEquals(1, down.flows(), "coming back down only the GPU→NIC flow");
  }

  @Test
  void crossSocketFlowIsLimitedByTheInterSocketSetting() {
    Report r =
        HostBuilder.host()
            .rootPort("0000:00:01.0", 0)
            .gpu("0000:01:00.0", "0000:00:01.0", 16, 16)
            .rootPort("0000:80:01.0", 1)
            .gpu("0000:81:00.0", "0000:80:01.0", 16, 16)
            .build();
    List<Flow> flows =
        List.of(
            new Flow(FlowEnd.device("0000:01:00.0"), FlowEnd.memory(1)),
            new Flow(FlowEnd.device("0000:01:00.0"), FlowEnd.device("0000:81:00.0")));
    PlanResult r10 = new Planner(r).plan(flows.subList(0, 1), new PlanOptions(10.0, null));
    assertEquals(10.0, r10.flows().get(0).predictedGBps(), 1e-9);
    PlanResult.LinkLoad b = r10.flows().get(0).bottleneck();
    assertEquals("inter-socket", b.kind());
    assertEquals("socket:0", b.upstream());
    assertEquals("socket:1", b.downstream());
    assertEquals("down", b.direction(), "from the lower socket to the higher");
    // P2P from socket 0's GPU to socket 1's GPU shares the same direction of the same link
    PlanResult both = new Planner(r).plan(flows, new PlanOptions(10.0, null));
    assertEquals(5.0, both.flows().get(0).predictedGBps(), 1e-9);
    assertEquals(5.0, both.flows().get(1).predictedGBps(), 1e-9);
    // the default for this CPU (Sapphire Rapids: 4 UPI links × 32 GB/s × 0.7 = 89.6) does not
    // bind one x16 flow
    PlanResult dflt = new Planner(r).plan(flows.subList(0, 1), PlanOptions.DEFAULTS);
    assertEquals(GEN4_X16, dflt.flows().get(0).predictedGBps(), 1e-9);
    assertEquals("pcie", dflt.flows().get(0).bottleneck().kind());
  }

  @Test
  void gpuToNicIncludesTheLineRateAndPairsByPathClass() {
    Report r =
        oneSwitch()
            .rootPort("0000:80:01.0", 1)
            .nic("0000:81:00.0", "0000:80:01.0", 16, 16, "mlx5_1", 100)
            .build();
    Planner p = new Planner(r);
    PlanResult plan = p.plan(Pattern.GPU_TO_NIC, PlanOptions.DEFAULTS);
    for (GpuPairing g : plan.pairing()) {
      assertEquals(NIC, g.nic(), "PIX beats SYS");
      assertEquals("mlx5_0", g.rdma());
      assertEquals(PathClass.PIX, g.pathClass());
      assertEquals("BUS_ADDR", g.kernel().toString());
      assertEquals(PathClass.SYS, g.attributes().nicPathClass().get("mlx5_1"));
      assertEquals(USP, g.attributes().pcieSwitch());
      assertEquals("pci0000:00", g.attributes().pcieRoot());
    }
    assertEquals(
        List.of("CUDA_VISIBLE_DEVICES=1", "NCCL_IB_HCA=mlx5_0:1", "UCX_NET_DEVICES=mlx5_0:1"),
        plan.pairing().get(1).env());
    // both GPUs through one 400G port (50 × 0.95 = 47.5 GB/s): the NIC's own x16 link binds
    // first, coming down into the NIC, at half of 27.17 each
    assertEquals("network:" + NIC + "/1", plan.flows().get(0).target());
    PlanResult.FlowRate f = plan.flows().get(0);
    assertEquals(GEN4_X16 / 2, f.predictedGBps(), 0.006);
    assertEquals(NIC, f.bottleneck().downstream());
    assertEquals("down", f.bottleneck().direction());
    // one GPU to the 100G port across sockets: 100 / 8 × 0.95 = 11.875 GB/s, the line rate binds
    PlanResult one =
        p.plan(
            List.of(
                new Flow(FlowEnd.device(GPU0), FlowEnd.network("0000:81:00.0", "mlx5_1", null))),
            PlanOptions.DEFAULTS);
    assertEquals(11.88, one.flows().get(0).predictedGBps(), 1e-9);
    assertEquals("nic", one.flows().get(0).bottleneck().kind());
    assertEquals("0000:81:00.0/1", one.flows().get(0).bottleneck().downstream());
  }

  @Test
  void pairingKeepsNicsBalanced() {
    Report r =
        oneSwitch()
            .switchDown("0000:02:03.0", USP)
            .nic("0000:06:00.0", "0000:02:03.0", 16, 16, "mlx5_1", 400)
            .build();
    List<GpuPairing> p = new Planner(r).pairing();
    assertEquals(NIC, p.get(0).nic());
    assertEquals("0000:06:00.0", p.get(1).nic(), "the second GPU takes the idle NIC");
  }

  @Test
  void unknownDevicesAndUnconstrainedFlows() {
    Planner p = new Planner(oneSwitch().build());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            p.plan(
                List.of(new Flow(FlowEnd.device("0000:99:00.0"), FlowEnd.memory(0))),
                PlanOptions.DEFAULTS));
    PlanResult self = p.plan(List.of(new Flow(FlowEnd.device(GPU0), FlowEnd.device(GPU0))), null);
    assertNull(self.flows().get(0).predictedGBps(), "no link crossed: no prediction");
    assertEquals(FlowEnd.network(NIC, null, 1), FlowEnd.parse("network:" + NIC + "/1"));
    assertEquals(FlowEnd.memory(3), FlowEnd.parse("memory:3"));
  }

  private static double round2(double v) {
    return Math.round(v * 100.0) / 100.0;
  }
}
