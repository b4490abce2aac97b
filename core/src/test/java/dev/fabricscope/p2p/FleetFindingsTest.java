package dev.fabricscope.p2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.p2p.Finding.Severity;
import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.sysfs.SysfsDiscovery;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.RdmaDevice;
import dev.fabricscope.topology.Report;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link FleetFindings} on synthetic hosts ({@link FabricDsl}) and the real QEMU rig capture. */
class FleetFindingsTest {

  private static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");

  /**
   * Socket 0: root port → switch with a GPU and an HCA on redirecting downstream ports; socket 1: a
   * GPU alone on a root port, trained x8 of x16, and a second GPU idling at 2.5 GT/s.
   */
  static Report gpuHost() {
    return FabricDsl.host()
        .hostBridge("pci0000:00", "0x8086", "0x2020", 0)
        .rootPort("0000:00:01.0", "pci0000:00", 0)
        .switchUp("0000:01:00.0", "0000:00:01.0")
        .switchDown("0000:02:00.0", "0000:01:00.0")
        .switchDown("0000:02:01.0", "0000:01:00.0")
        .gpu("0000:03:00.0", "0000:02:00.0")
        .nic("0000:04:00.0", "0000:02:01.0", "mlx5_0")
        .redirect("0000:02:00.0", "0000:02:01.0")
        .hostBridge("pci0000:80", "0x8086", "0x2020", 1)
        .rootPort("0000:80:01.0", "pci0000:80", 1)
        .gpu("0000:81:00.0", "0000:80:01.0")
        .link("0000:81:00.0", 16.0, 8, 16.0, 16)
        .rootPort("0000:80:02.0", "pci0000:80", 1)
        .gpu("0000:82:00.0", "0000:80:02.0")
        .link("0000:82:00.0", 2.5, 16, 16.0, 16)
        .ethernet("0000:80:03.0", "0000:80:01.0")
        .rdma("rxe0", "0000:80:03.0", RdmaDevice.Provider.SOFTWARE)
        .build();
  }

  private static List<Finding> rule(List<Finding> all, String rule) {
    return all.stream().filter(f -> f.rule().equals(rule)).toList();
  }

  @Test
  void everyRuleOnOneHost() {
    List<Finding> all = FleetFindings.forHost("gpu1", gpuHost());

    List<Finding> down = rule(all, FleetFindings.DOWNTRAINED_LINK);
    assertEquals(1, down.size(), all.toString());
    assertEquals(List.of("0000:81:00.0"), down.get(0).devices());
    assertEquals(Severity.WARNING, down.get(0).severity());
    assertTrue(down.get(0).message().contains("x8 of x16"), down.get(0).message());

    List<Finding> slow = rule(all, FleetFindings.LINK_SPEED_BELOW_CAPABLE);
    assertEquals(1, slow.size());
    assertEquals(Severity.INFO, slow.get(0).severity());
    assertEquals(List.of("0000:82:00.0"), slow.get(0).devices());
    assertTrue(slow.get(0).message().contains("idle"));

    List<Finding> acs = rule(all, FleetFindings.ACS_REDIRECT_SWITCH_PORT);
    assertEquals(1, acs.size());
    assertEquals(List.of("0000:02:00.0", "0000:02:01.0"), acs.get(0).devices());
    assertTrue(
        acs.get(0).fix().startsWith("pci=disable_acs_redir=0000:02:00.0;0000:02:01.0 "),
        acs.get(0).fix());

    // the GPU behind the HCA's switch is PIX to it; the two GPUs of socket 1 are SYS
    List<Finding> far = rule(all, FleetFindings.GPU_WITHOUT_CLOSE_NIC);
    assertEquals(
        List.of(List.of("0000:81:00.0"), List.of("0000:82:00.0")),
        far.stream().map(Finding::devices).toList());
    assertTrue(far.get(0).message().contains("nearest: SYS"), far.get(0).message());
    assertEquals(Severity.WARNING, far.get(0).severity());

    List<Finding> sw = rule(all, FleetFindings.SOFTWARE_RDMA_WITH_HARDWARE);
    assertEquals(1, sw.size());
    assertEquals(List.of("0000:80:03.0"), sw.get(0).devices());
    assertTrue(sw.get(0).message().contains("rxe0") && sw.get(0).message().contains("mlx5_0"));
    all.forEach(f -> assertEquals("gpu1", f.host()));
  }

  @Test
  void gpusWithoutAnyHcaGiveOneInfo() {
    Report r =
        FabricDsl.host()
            .hostBridge("pci0000:00", "0x8086", "0x2020", 0)
            .rootPort("0000:00:01.0", "pci0000:00", 0)
            .gpu("0000:01:00.0", "0000:00:01.0")
            .rootPort("0000:00:02.0", "pci0000:00", 0)
            .gpu("0000:02:00.0", "0000:00:02.0")
            .build();
    List<Finding> far = rule(FleetFindings.forHost("ws", r), FleetFindings.GPU_WITHOUT_CLOSE_NIC);
    assertEquals(1, far.size());
    assertEquals(Severity.INFO, far.get(0).severity());
    assertEquals(List.of("0000:01:00.0", "0000:02:00.0"), far.get(0).devices());
  }

  @Test
  void qemuRigSoftwareRdmaAloneAndP2pmem() throws Exception {
    Report rig;
    try (var u = ArchiveExtractor.extract(Fixtures.sysfs("qemu-rig-iommu.tar.gz"))) {
      rig = new SysfsDiscovery().discover(u.sysfsRoot());
    }
    List<Finding> all = FleetFindings.forHost("rig", rig);
    // rxe without any hardware HCA is not this rule's business; every pool there is published
    assertTrue(rule(all, FleetFindings.SOFTWARE_RDMA_WITH_HARDWARE).isEmpty(), all.toString());
    assertTrue(rule(all, FleetFindings.P2PMEM_UNPUBLISHED).isEmpty(), all.toString());
    // q35's root ports redirect under the IOMMU, but they are not switch downstream ports
    assertTrue(
        rule(all, FleetFindings.ACS_REDIRECT_SWITCH_PORT).isEmpty() == noRedirectingDsp(rig));

    PciFunction pool = rig.pci().stream().filter(f -> f.p2pmem() != null).findFirst().orElseThrow();
    List<PciFunction> fns = new ArrayList<>();
    for (PciFunction f : rig.pci()) {
      fns.add(
          f != pool ? f : f.withP2pMem(new PciFunction.P2pMem(f.p2pmem().sizeBytes(), 0L, false)));
    }
    Report unpublished =
        new Report(
            1,
            rig.source(),
            rig.host(),
            fns,
            rig.rdma(),
            rig.net(),
            rig.nvme(),
            rig.gpus(),
            rig.nvlinks(),
            rig.diagnostics());
    List<Finding> p2p = rule(FleetFindings.forHost("rig", unpublished), "P2PMEM_UNPUBLISHED");
    assertEquals(1, p2p.size());
    assertEquals(List.of(pool.bdf()), p2p.get(0).devices());
    assertEquals(Severity.INFO, p2p.get(0).severity());
  }

  private static boolean noRedirectingDsp(Report r) {
    return r.pci().stream()
        .noneMatch(
            f ->
                f.portType() == dev.fabricscope.topology.PortType.SWITCH_DOWNSTREAM
                    && Boolean.TRUE.equals(f.acs().redirects()));
  }

  @Test
  void hostNotSeenAfterNIntervals() {
    Duration min = Duration.ofMinutes(1);
    assertTrue(FleetFindings.hostNotSeen("a", NOW.minusSeconds(150), NOW, min, 3).isEmpty());
    Finding f = FleetFindings.hostNotSeen("a", NOW.minusSeconds(180), NOW, min, 3).orElseThrow();
    assertEquals(FleetFindings.HOST_NOT_SEEN, f.rule());
    assertEquals(Severity.CRITICAL, f.severity());
    assertTrue(f.message().contains("3 intervals"), f.message());
    assertTrue(FleetFindings.hostNotSeen("b", null, NOW, min, 3).isPresent());
  }
}
