package dev.fabricscope.fabric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.sysfs.SysfsDiscovery;
import dev.fabricscope.topology.RdmaDevice;
import dev.fabricscope.topology.Report;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Subnet manager LIDs read from the two real sysfs trees with an InfiniBand port ({@code
 * fixtures/sysfs/}). Read off the archives with {@code tar xjf} and {@code cat}: the Dell DCS8000Z
 * ({@code hwloc-32em64t-2n8c+dax+nvme+mic+dimms}) has mlx4_0 port 1 with {@code sm_lid} 0x1, {@code
 * lid} 0x3a4, GID fe80:0000:0000:0000:0002:c903:00f9:bfa1, 56 Gb/sec (4X FDR); the Dell R910
 * ({@code hwloc-40intel64-2g2n4c+pcilocality}) has qib0 port 1 with {@code sm_lid} 0x1, {@code lid}
 * 0x12a, GID fe80:0000:0000:0000:0011:7500:0077:cfc8, 40 Gb/sec (4X QDR). Two machines of different
 * sites, both on the default prefix, both answering to SM LID 0x1: the SM LID cannot tell them
 * apart and must not pretend to.
 */
class RdmaFabricSubnetManagerTest {

  static final String DCS = "hwloc-32em64t-2n8c+dax+nvme+mic+dimms.tar.bz2";
  static final String R910 = "hwloc-40intel64-2g2n4c+pcilocality.tar.bz2";

  static Report discover(String archive) throws Exception {
    try (var u = ArchiveExtractor.extract(Fixtures.sysfs(archive))) {
      return new SysfsDiscovery().discover(u.sysfsRoot());
    }
  }

  static RdmaDevice.Port port(Report r, String device) {
    return r.rdma().stream()
        .filter(d -> d.name().equals(device))
        .findFirst()
        .orElseThrow()
        .ports()
        .get(0);
  }

  @Test
  void theSysfsTreesCarryTheSmLid() throws Exception {
    RdmaDevice.Port mlx = port(discover(DCS), "mlx4_0");
    assertEquals("0x1", mlx.smLid());
    assertEquals("0x3a4", mlx.lid());
    assertEquals("InfiniBand", mlx.linkLayer());
    RdmaDevice.Port qib = port(discover(R910), "qib0");
    assertEquals("0x1", qib.smLid());
    assertEquals("0x12a", qib.lid());
  }

  @Test
  void equalSmLidsOnTheDefaultPrefixStayOneMayMergeGroup() throws Exception {
    List<RdmaFabric.Subnet> s =
        RdmaFabric.build(
            List.of(
                new RdmaFabric.HostReport("dcs", discover(DCS)),
                new RdmaFabric.HostReport("r910", discover(R910))));
    assertEquals(List.of("ib:fe80:0000:0000:0000"), ids(s));
    RdmaFabric.Subnet sub = s.get(0);
    assertTrue(sub.mayMergeFabrics());
    assertNull(sub.smLid());
    assertEquals(List.of("0x1"), sub.smLids());
    assertEquals(List.of("dcs", "r910"), sub.hosts());
    assertEquals(
        List.of(
            "fe80:0000:0000:0000:0002:c903:00f9:bfa1", "fe80:0000:0000:0000:0011:7500:0077:cfc8"),
        sub.ports().stream().map(RdmaFabric.PortRow::gid).toList());
  }

  @Test
  void differentSmLidsOnOnePrefixAreDifferentFabrics() throws Exception {
    // the R910's port as if its fabric's subnet manager sat at LID 0x1b: one prefix, two SMs
    Report r910 = withSmLid(discover(R910), "qib0", "0x1b");
    Report noSm = withSmLid(discover(R910), "qib0", null);
    Report downSm = withSmLid(discover(R910), "qib0", "0x0");
    List<RdmaFabric.Subnet> s =
        RdmaFabric.build(
            List.of(
                new RdmaFabric.HostReport("dcs", discover(DCS)),
                new RdmaFabric.HostReport("r910", r910),
                new RdmaFabric.HostReport("unknown-sm", noSm),
                new RdmaFabric.HostReport("no-sm-yet", downSm)));
    assertEquals(
        List.of(
            "ib:fe80:0000:0000:0000",
            "ib:fe80:0000:0000:0000/sm:0x1",
            "ib:fe80:0000:0000:0000/sm:0x1b"),
        ids(s));
    // ports whose SM is not known cannot be placed: they stay on the bare prefix
    assertEquals(List.of("no-sm-yet", "unknown-sm"), s.get(0).hosts());
    assertEquals(List.of(), s.get(0).smLids());
    assertEquals(List.of("dcs"), s.get(1).hosts());
    assertEquals("0x1", s.get(1).smLid());
    assertEquals(List.of("r910"), s.get(2).hosts());
    assertEquals("0x1b", s.get(2).smLid());
    // another fabric may still answer to an SM at 0x1: the note stays
    assertTrue(s.get(1).mayMergeFabrics());
  }

  @Test
  void roceAndDiscoveredPortsAreNotSplitBySmLid() throws Exception {
    Report roce = withSmLid(discover(DCS), "mlx4_0", "0x7");
    RdmaDevice mlx = roce.rdma().stream().filter(d -> d.name().equals("mlx4_0")).findFirst().get();
    RdmaDevice.Port p = mlx.ports().get(0);
    RdmaDevice.Port eth =
        new RdmaDevice.Port(
            p.port(),
            p.state(),
            p.stateCode(),
            p.physState(),
            p.physStateCode(),
            p.rateGbps(),
            p.rate(),
            "Ethernet",
            p.lid(),
            "0x7",
            p.gids(),
            List.of("eth2"));
    Report ethReport = replacePort(roce, "mlx4_0", eth);
    List<RdmaFabric.Subnet> s =
        RdmaFabric.build(
            List.of(
                new RdmaFabric.HostReport("r910", discover(R910)),
                new RdmaFabric.HostReport("eth", ethReport)));
    assertEquals(List.of("ib:fe80:0000:0000:0000", "roce:fe80:0000:0000:0000"), ids(s));
    assertEquals(List.of(), s.get(1).smLids());
  }

  @Test
  void smLidsAreNormalised() {
    assertEquals("0x1", SubnetManagers.normalize("0x1\n"));
    assertEquals("0x1b", SubnetManagers.normalize("0x001B"));
    assertEquals("0x10", SubnetManagers.normalize("16"));
    assertNull(SubnetManagers.normalize("0x0"));
    assertNull(SubnetManagers.normalize("0xffff"));
    assertNull(SubnetManagers.normalize("lid"));
    assertNull(SubnetManagers.normalize(null));
  }

  static Report withSmLid(Report r, String device, String smLid) {
    RdmaDevice.Port p =
        r.rdma().stream().filter(d -> d.name().equals(device)).findFirst().get().ports().get(0);
    return replacePort(
        r,
        device,
        new RdmaDevice.Port(
            p.port(),
            p.state(),
            p.stateCode(),
            p.physState(),
            p.physStateCode(),
            p.rateGbps(),
            p.rate(),
            p.linkLayer(),
            p.lid(),
            smLid,
            p.gids(),
            p.netdevs()));
  }

  static Report replacePort(Report r, String device, RdmaDevice.Port port) {
    List<RdmaDevice> rdma = new ArrayList<>();
    for (RdmaDevice d : r.rdma()) {
      rdma.add(
          !d.name().equals(device)
              ? d
              : new RdmaDevice(
                  d.name(),
                  d.pciFunction(),
                  d.provider(),
                  d.nodeGuid(),
                  d.sysImageGuid(),
                  d.firmware(),
                  d.nodeType(),
                  d.hcaType(),
                  d.boardId(),
                  d.nodeDesc(),
                  d.parentNetdev(),
                  List.of(port)));
    }
    return new Report(
        r.schemaVersion(),
        r.source(),
        r.host(),
        r.pci(),
        rdma,
        r.net(),
        r.nvme(),
        r.gpus(),
        r.nvlinks(),
        r.diagnostics());
  }

  static List<String> ids(List<RdmaFabric.Subnet> s) {
    return s.stream().map(RdmaFabric.Subnet::id).toList();
  }
}
