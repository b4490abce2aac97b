package dev.fabricscope.p2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.topology.RdmaDevice;
import dev.fabricscope.topology.Report;
import org.junit.jupiter.api.Test;

/**
 * The eleven worked examples of p2p-rules.md §7, each built with {@link FabricDsl}: the kernel
 * verdict (map type, distance), the nvidia-smi label and NCCL's path and default decisions must be
 * what the table says.
 */
class WorkedExamplesTest {

  static PairVerdict pair(Report r, String a, String b) {
    P2pAnalyzer an = new P2pAnalyzer(r);
    return an.pair(an.find(a), an.find(b));
  }

  static void assertKernel(PairVerdict v, String mapType, int distance) {
    assertEquals(mapType, v.kernel().mapType().toString(), v.reasons().toString());
    assertEquals(distance, v.kernel().distance(), v.reasons().toString());
  }

  static boolean hasReason(PairVerdict v, String code) {
    return v.reasons().stream().anyMatch(r -> r.code().equals(code));
  }

  /** Haswell-EP socket 0: pci0000:00 with 8086:2f00 at 00.0 (a SAME row). */
  static FabricDsl haswell() {
    return FabricDsl.host()
        .cpu("GenuineIntel", 6, 63)
        .hostBridge("pci0000:00", "0x8086", "0x2f00", 0);
  }

  /** A switch under root port 00:01.0: USP 01:00.0, DSPs 02:01.0 and 02:02.0. */
  static FabricDsl oneSwitch(FabricDsl h) {
    return h.rootPort("0000:00:01.0", "pci0000:00", 0)
        .switchUp("0000:01:00.0", "0000:00:01.0")
        .switchDown("0000:02:01.0", "0000:01:00.0")
        .switchDown("0000:02:02.0", "0000:01:00.0")
        .gpu("0000:03:00.0", "0000:02:01.0")
        .nic("0000:04:00.0", "0000:02:02.0", "mlx5_0");
  }

  @Test
  void example1ProviderIsClient() {
    Report r =
        haswell()
            .rootPort("0000:00:01.0", "pci0000:00", 0)
            .nvme("0000:01:00.0", "0000:00:01.0")
            .build();
    PairVerdict v = pair(r, "0000:01:00.0", "0000:01:00.0");
    assertKernel(v, "BUS_ADDR", 0);
    assertEquals("X", v.nvidia().toString());
    assertEquals("LOC", v.nccl().path().toString());
  }

  @Test
  void example2TwoFunctionsOfOneNicOnARootPort() {
    FabricDsl h =
        haswell()
            .rootPort("0000:00:01.0", "pci0000:00", 0)
            .nic("0000:01:00.0", "0000:00:01.0", "mlx5_0")
            .nic("0000:01:00.1", "0000:00:01.0", "mlx5_1");
    PairVerdict v = pair(h.build(), "0000:01:00.0", "0000:01:00.1");
    assertKernel(v, "BUS_ADDR", 2);
    assertEquals("PIX", v.nvidia().toString());
    assertEquals("LOC", v.nccl().path().toString()); // one merged NIC node
    // the root port redirects (IOMMU on): the host-bridge rule decides (same Haswell bridge)
    PairVerdict redirected =
        pair(h.redirect("0000:00:01.0").build(), "0000:01:00.0", "0000:01:00.1");
    assertKernel(redirected, "THRU_HOST_BRIDGE", 2);
    assertTrue(hasReason(redirected, Reason.ACS_REDIRECT));
  }

  @Test
  void example3GpuAndNicOnOneSwitch() {
    FabricDsl h = oneSwitch(haswell()).gpu("0000:05:00.0", "0000:02:02.0");
    Report r = h.build();
    PairVerdict v = pair(r, "0000:03:00.0", "0000:04:00.0");
    assertKernel(v, "BUS_ADDR", 4);
    assertEquals("PIX", v.nvidia().toString());
    assertEquals("PIX", v.nccl().path().toString());
    assertEquals(Boolean.TRUE, v.nccl().gdr());
    assertEquals(Boolean.TRUE, pair(r, "0000:03:00.0", "0000:05:00.0").nccl().p2p());
  }

  @Test
  void example4aSkylakeWithAcsRedirect() {
    FabricDsl h =
        FabricDsl.host().rootPortFirst("pci0000:00", "0000:00:00.0", "0x8086", "0x2030", 0);
    h = oneSwitch(h).redirect("0000:02:01.0", "0000:02:02.0");
    PairVerdict v = pair(h.build(), "0000:03:00.0", "0000:04:00.0");
    assertKernel(v, "THRU_HOST_BRIDGE", 4);
    assertEquals("PIX", v.nvidia().toString());
    assertEquals("PIX", v.nccl().path().toString());
    assertEquals(Boolean.TRUE, v.nccl().gdr());
    Reason acs =
        v.reasons().stream()
            .filter(r -> r.code().equals(Reason.ACS_REDIRECT))
            .findFirst()
            .orElseThrow();
    assertEquals(
        "pci=disable_acs_redir=0000:02:01.0;0000:02:02.0 (merges IOMMU groups: isolation between"
            + " these devices is lost)",
        acs.fix());
    assertTrue(hasReason(v, Reason.ACS_BLIND_TOOLS));
  }

  @Test
  void example4bAmdEpycWithAcsRedirect() {
    FabricDsl h =
        FabricDsl.host()
            .cpu("AuthenticAMD", 0x19, 1)
            .hostBridge("pci0000:00", "0x1022", "0x14a4", 0);
    h = oneSwitch(h).redirect("0000:02:01.0", "0000:02:02.0");
    PairVerdict v = pair(h.build(), "0000:03:00.0", "0000:04:00.0");
    assertKernel(v, "THRU_HOST_BRIDGE", 4);
    assertEquals("PIX", v.nvidia().toString());
    assertTrue(hasReason(v, Reason.AMD_ZEN_HOST_BRIDGE));
  }

  @Test
  void example4cArmHostBridgeNotListed() {
    FabricDsl h =
        FabricDsl.host()
            .cpu("ARM implementer 0x41", 0, 0)
            .hostBridge("pci0000:00", "0x1def", "0xe100", 0);
    h = oneSwitch(h).redirect("0000:02:01.0", "0000:02:02.0");
    PairVerdict v = pair(h.build(), "0000:03:00.0", "0000:04:00.0");
    assertKernel(v, "NOT_SUPPORTED", 4);
    assertEquals("PIX", v.nvidia().toString());
    assertEquals("PIX", v.nccl().path().toString());
    assertEquals(Boolean.TRUE, v.nccl().gdr()); // ACS-blind: the product must flag it
    assertTrue(hasReason(v, Reason.HOST_BRIDGE_NOT_ALLOWED));
    assertTrue(hasReason(v, Reason.ACS_BLIND_TOOLS));
  }

  @Test
  void example5TwoRootPortsOfOneHaswellHostBridge() {
    Report r =
        haswell()
            .rootPort("0000:00:01.0", "pci0000:00", 0)
            .rootPort("0000:00:03.0", "pci0000:00", 0)
            .gpu("0000:01:00.0", "0000:00:01.0")
            .nvme("0000:02:00.0", "0000:00:03.0")
            .rootPort("0000:00:02.0", "pci0000:00", 0)
            .gpu("0000:03:00.0", "0000:00:02.0")
            .build();
    PairVerdict v = pair(r, "0000:01:00.0", "0000:02:00.0");
    assertKernel(v, "THRU_HOST_BRIDGE", 4);
    assertEquals("PHB", v.nvidia().toString());
    assertEquals("PHB", v.nccl().path().toString());
    PairVerdict gpus = pair(r, "0000:01:00.0", "0000:03:00.0");
    assertEquals("PHB", gpus.nccl().path().toString());
    assertEquals(Boolean.FALSE, gpus.nccl().p2p());
  }

  @Test
  void example6TwoSocketsOfHaswell() {
    Report r =
        haswell()
            .hostBridge("pci0000:80", "0x8086", "0x2f00", 1)
            .rootPort("0000:00:01.0", "pci0000:00", 0)
            .gpu("0000:01:00.0", "0000:00:01.0")
            .rootPort("0000:80:01.0", "pci0000:80", 1)
            .nic("0000:81:00.0", "0000:80:01.0", "mlx5_0")
            .build();
    PairVerdict v = pair(r, "0000:01:00.0", "0000:81:00.0");
    assertKernel(v, "NOT_SUPPORTED", 4);
    assertTrue(hasReason(v, Reason.HOST_BRIDGE_SAME_ONLY));
    assertEquals("SYS", v.nvidia().toString());
    assertEquals("SYS", v.nccl().path().toString());
    assertEquals(Boolean.FALSE, v.nccl().gdr());
  }

  static FabricDsl skylakeStacks(int nicSocket) {
    return FabricDsl.host()
        .rootPortFirst("pci0000:17", "0000:17:00.0", "0x8086", "0x2030", 0)
        .rootPortFirst("pci0000:3a", "0000:3a:00.0", "0x8086", "0x2030", nicSocket)
        .gpu("0000:18:00.0", "0000:17:00.0")
        .nic("0000:3b:00.0", "0000:3a:00.0", "mlx5_0");
  }

  @Test
  void example7SkylakeStacksOneSocket() {
    PairVerdict v = pair(skylakeStacks(0).build(), "0000:18:00.0", "0000:3b:00.0");
    assertKernel(v, "THRU_HOST_BRIDGE", 4);
    assertEquals("NODE", v.nvidia().toString());
    assertEquals("PHB", v.nccl().path().toString());
    assertEquals(Boolean.FALSE, v.nccl().gdr());
  }

  @Test
  void example8SkylakeStacksTwoSockets() {
    PairVerdict v = pair(skylakeStacks(1).build(), "0000:18:00.0", "0000:3b:00.0");
    assertKernel(v, "THRU_HOST_BRIDGE", 4);
    assertEquals("SYS", v.nvidia().toString());
    assertEquals("SYS", v.nccl().path().toString());
    assertEquals(Boolean.FALSE, v.nccl().gdr());
    assertTrue(hasReason(v, Reason.CROSS_SOCKET));
  }

  @Test
  void example9TwoGpusOnTwoRootComplexesOfOneEpyc() {
    FabricDsl h =
        FabricDsl.host()
            .cpu("AuthenticAMD", 0x17, 49)
            .hostBridge("pci0000:00", "0x1022", "0x1480", 0)
            .hostBridge("pci0000:40", "0x1022", "0x1480", 0)
            .rootPort("0000:00:03.1", "pci0000:00", 0)
            .rootPort("0000:40:03.1", "pci0000:40", 0)
            .gpu("0000:01:00.0", "0000:00:03.1")
            .gpu("0000:41:00.0", "0000:40:03.1");
    PairVerdict v = pair(h.build(), "0000:01:00.0", "0000:41:00.0");
    assertKernel(v, "THRU_HOST_BRIDGE", 4);
    assertEquals("NODE", v.nvidia().toString());
    assertEquals("PHB", v.nccl().path().toString());
    assertEquals(Boolean.TRUE, v.nccl().p2p()); // AMD with at most two GPUs: limit SYS
    // a third GPU: NCCL's limit falls back to PXB and P2P over PHB is off
    h.rootPort("0000:00:07.1", "pci0000:00", 0).gpu("0000:02:00.0", "0000:00:07.1");
    assertEquals(Boolean.FALSE, pair(h.build(), "0000:01:00.0", "0000:41:00.0").nccl().p2p());
  }

  @Test
  void example10NestedSwitches() {
    Report r =
        haswell()
            .rootPort("0000:00:01.0", "pci0000:00", 0)
            .switchUp("0000:01:00.0", "0000:00:01.0")
            .switchDown("0000:02:01.0", "0000:01:00.0")
            .switchDown("0000:02:02.0", "0000:01:00.0")
            .switchUp("0000:03:00.0", "0000:02:01.0")
            .switchDown("0000:04:01.0", "0000:03:00.0")
            .gpu("0000:05:00.0", "0000:04:01.0")
            .gpu("0000:06:00.0", "0000:02:02.0")
            .build();
    PairVerdict v = pair(r, "0000:05:00.0", "0000:06:00.0");
    assertKernel(v, "BUS_ADDR", 6);
    assertEquals("PXB", v.nvidia().toString());
    assertEquals("PXB", v.nccl().path().toString());
    assertEquals(Boolean.TRUE, v.nccl().p2p());
  }

  @Test
  void example11SoftRoceOnAConnectXNetdev() {
    Report r =
        oneSwitch(haswell())
            .nvme("0000:05:00.0", "0000:02:01.0")
            .rdma("rxe0", "0000:04:00.0", RdmaDevice.Provider.SOFTWARE)
            .build();
    P2pAnalyzer an = new P2pAnalyzer(r);
    Device rxe = an.find("rxe0");
    assertEquals("rxe0", rxe.rdma());
    PairVerdict v = an.pair(an.find("0000:05:00.0"), rxe);
    assertEquals("NOT_SUPPORTED", v.kernel().mapType().toString());
    assertTrue(hasReason(v, Reason.SOFTWARE_RDMA));
    // the hardware HCA on the same function is a fine P2P client: same switch, BUS_ADDR
    PairVerdict hw = an.pair(an.find("0000:05:00.0"), an.find("mlx5_0"));
    assertKernel(hw, "BUS_ADDR", 4);
    assertNull(hw.nccl().p2p());
    assertFalse(hw.kernel().provisional());
  }

  @Test
  void unknownAcsMakesTheVerdictProvisional() {
    Report r = oneSwitch(haswell()).acsUnknown("0000:02:01.0").build();
    PairVerdict v = pair(r, "0000:03:00.0", "0000:04:00.0");
    assertKernel(v, "BUS_ADDR", 4);
    assertTrue(v.kernel().provisional());
    assertTrue(hasReason(v, Reason.ACS_UNKNOWN));
  }

  @Test
  void downtrainedLinkIsTheBottleneck() {
    Report r =
        oneSwitch(haswell())
            .link("0000:03:00.0", 16.0, 8, 16.0, 16)
            .link("0000:04:00.0", 2.5, 16, 16.0, 16)
            .build();
    PairVerdict v = pair(r, "0000:03:00.0", "0000:04:00.0");
    assertEquals("0000:04:00.0", v.bottleneck().bdf()); // 2.5 GT/s x16 = 4 GB/s < 16 GT/s x8
    assertEquals(4.0, v.bottleneck().rawGBps());
    assertTrue(hasReason(v, Reason.LINK_DOWNTRAINED));
    assertTrue(hasReason(v, Reason.LINK_SPEED_BELOW_CAPABLE));
  }
}
