package dev.fabricscope.path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.p2p.Fabric;
import dev.fabricscope.topology.Report;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one path model: links, where a pair turns, and why it climbs to the root complex. */
class PathsTest {

  // root port 00:01.0 (socket 0) → switch 01:00.0 (Gen4 x16 uplink) → ports 02:00.0, 02:01.0
  // → GPU 03:00.0 and NIC 04:00.0; root port 80:01.0 (socket 1) → GPU 81:00.0
  static Report host() {
    return HostBuilder.host()
        .rootPort("0000:00:01.0", 0)
        .switchUp("0000:01:00.0", "0000:00:01.0", 16, 16)
        .switchDown("0000:02:00.0", "0000:01:00.0")
        .switchDown("0000:02:01.0", "0000:01:00.0")
        .gpu("0000:03:00.0", "0000:02:00.0", 16, 16)
        .nic("0000:04:00.0", "0000:02:01.0", 16, 8, "mlx5_0", 200)
        .rootPort("0000:80:01.0", 1)
        .gpu("0000:81:00.0", "0000:80:01.0", 32, 16)
        .build();
  }

  @Test
  void belowOneSwitchTheFlowTurnsThere() {
    Paths paths = new Fabric(host()).paths();
    Path p = paths.path("0000:03:00.0", "0000:04:00.0");
    assertEquals("0000:01:00.0", p.common());
    assertFalse(p.viaRootComplex());
    assertEquals(4, p.distance());
    // GPU's link up, the NIC's link down; the switch's internal ports carry no link
    assertEquals(
        List.of("0000:03:00.0 UP", "0000:04:00.0 DOWN"),
        p.route().stream().map(c -> c.link().downstream() + " " + c.direction()).toList());
    assertEquals("0000:02:00.0", p.route().get(0).link().upstream());
  }

  @Test
  void acsRedirectClimbsToTheRootPort() {
    Report r =
        HostBuilder.host()
            .rootPort("0000:00:01.0", 0)
            .switchUp("0000:01:00.0", "0000:00:01.0", 16, 16)
            .switchDown("0000:02:00.0", "0000:01:00.0")
            .switchDown("0000:02:01.0", "0000:01:00.0")
            .gpu("0000:03:00.0", "0000:02:00.0", 16, 16)
            .nic("0000:04:00.0", "0000:02:01.0", 16, 16, "mlx5_0", 200)
            .redirect("0000:02:00.0", "0000:02:01.0")
            .build();
    Path p = new Fabric(r).paths().path("0000:03:00.0", "0000:04:00.0");
    assertTrue(p.viaRootComplex());
    assertEquals(List.of(Path.Climb.ACS_REDIRECT), p.climbs());
    assertEquals(
        List.of("0000:03:00.0 UP", "0000:01:00.0 UP", "0000:01:00.0 DOWN", "0000:04:00.0 DOWN"),
        p.route().stream().map(c -> c.link().downstream() + " " + c.direction()).toList());
    // the tree path stays what nvidia-smi sees
    assertEquals(2, p.links().size());
  }

  @Test
  void acrossSocketsEveryReasonIsNamed() {
    Paths paths = new Fabric(host()).paths();
    Path p = paths.path("0000:03:00.0", "0000:81:00.0");
    assertNull(p.common());
    assertEquals(
        List.of(
            Path.Climb.NO_COMMON_BRIDGE,
            Path.Climb.DIFFERENT_HOST_BRIDGES,
            Path.Climb.DIFFERENT_SOCKETS),
        p.climbs());
    assertEquals(
        List.of(
            "0000:03:00.0",
            "0000:02:00.0",
            "0000:01:00.0",
            "0000:00:01.0",
            "pci0000:00",
            "pci0000:80",
            "0000:80:01.0",
            "0000:81:00.0"),
        p.hops());
    assertSame(p, paths.path("0000:03:00.0", "0000:81:00.0"), "built once per pair");
  }

  @Test
  void linksCarryRatesAndState() {
    Report r =
        HostBuilder.host()
            .rootPort("0000:00:01.0", 0)
            .gpu("0000:01:00.0", "0000:00:01.0", 32, 16)
            .trained("0000:01:00.0", 32, 8)
            .build();
    PcieLink l = new Fabric(r).paths().link("0000:01:00.0");
    assertEquals(PcieLink.State.DOWNTRAINED, l.state());
    assertEquals(16, l.capableWidth());
    assertEquals(8, l.currentWidth());
    // Gen5 x8: 32 GT/s × 128/130 × 8 lanes / 8 bits = 31.51 GB/s per direction
    assertEquals(31.51, l.rawGBps(), 1e-9);
    // × 256/(256+26) × 0.95 (LinkMath's usable model at MPS 256)
    assertEquals(Math.round(32 * 128.0 / 130 * 256 / 282 * 0.95 * 100) / 100.0, l.usableGBps());
    assertNull(new Fabric(r).paths().link("0000:00:01.0"), "a root port's files are its child's");
  }
}
