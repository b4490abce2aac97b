package dev.fabricscope.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.oracle.LspciVerboseParser;
import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.sysfs.SysfsDiscovery;
import dev.fabricscope.topology.TopologyDiff.Change;
import dev.fabricscope.topology.TopologyDiff.Diff;
import dev.fabricscope.topology.TopologyDiff.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link TopologyDiff} on two real captures of one QEMU rig (booted without and with an IOMMU, so
 * the PCI core enabled ACS on the ports, p2p-rules.md §2.4) and on small edits of a real report.
 */
class TopologyDiffTest {

  static Report plain;
  static Report iommu;

  @BeforeAll
  static void discover() throws Exception {
    plain = discover("qemu-rig-plain");
    iommu = discover("qemu-rig-iommu");
  }

  static Report discover(String capture) throws Exception {
    try (var u = ArchiveExtractor.extract(Fixtures.sysfs(capture + ".tar.gz"))) {
      return new SysfsDiscovery().discover(u.sysfsRoot());
    }
  }

  @Test
  void acsChangesExactlyWhereLspciSawDifferentAcsCtl() {
    Map<String, LspciVerboseParser.Function> a =
        LspciVerboseParser.parse(Fixtures.read(Fixtures.sysfs("qemu-rig-plain/lspci-vvv.txt")));
    Map<String, LspciVerboseParser.Function> b =
        LspciVerboseParser.parse(Fixtures.read(Fixtures.sysfs("qemu-rig-iommu/lspci-vvv.txt")));
    Set<String> expected = new TreeSet<>();
    for (String bdf : a.keySet()) {
      if (b.containsKey(bdf) && !Objects.equals(a.get(bdf).acsCtl(), b.get(bdf).acsCtl())) {
        expected.add(bdf);
      }
    }
    assertFalse(expected.isEmpty(), "the oracle files differ in ACSCtl");

    Diff d = TopologyDiff.between(plain, iommu);
    Set<String> got =
        d.of(Kind.ACS_CHANGED).stream().map(Change::device).collect(Collectors.toSet());
    assertEquals(expected, new TreeSet<>(got));
    for (Change c : d.of(Kind.ACS_CHANGED)) {
      assertEquals("acs.control", c.field());
      // the IOMMU's ACS request: SV, RR, CR, UF on (§2.4)
      assertEquals(
          "SrcValid+ TransBlk- ReqRedir+ CmpltRedir+ UpstreamFwd+ EgressCtrl- DirectTrans-",
          c.after(),
          c.device());
      assertTrue(c.message().contains("now redirects"), c.message());
    }
    // same machine, same slots: nothing added, removed or moved
    assertTrue(d.of(Kind.FUNCTION_ADDED).isEmpty());
    assertTrue(d.of(Kind.FUNCTION_REMOVED).isEmpty());
    assertTrue(d.of(Kind.FUNCTION_MOVED).isEmpty());
  }

  @Test
  void aReportDiffersFromItselfInNothing() {
    assertTrue(TopologyDiff.between(iommu, iommu).isEmpty());
  }

  @Test
  void narrowerLinkIsDowntrained() {
    PciFunction f = firstWithLink(plain);
    PciLink.LinkState x16 = new PciLink.LinkState(16.0, 16);
    PciLink.LinkState x8 = new PciLink.LinkState(16.0, 8);
    Report from =
        edit(plain, f.bdf(), g -> g.withLink(new PciLink(x16, x16, x16, x16, null, null)));
    Report to = edit(plain, f.bdf(), g -> g.withLink(new PciLink(x8, x16, x16, x8, null, null)));
    List<Change> link = TopologyDiff.between(from, to).changes();
    assertEquals(1, link.size(), link.toString());
    Change c = link.get(0);
    assertEquals(Kind.LINK_CHANGED, c.kind());
    assertEquals(f.bdf(), c.device());
    assertEquals("link.current", c.field());
    assertEquals("16 GT/s x16", c.before());
    assertEquals("16 GT/s x8", c.after());
    assertEquals(Boolean.TRUE, c.downtrained());

    // back to full width: a change, not a downtrain
    Change back = TopologyDiff.between(to, from).changes().get(0);
    assertEquals(Boolean.FALSE, back.downtrained());
  }

  @Test
  void removedMovedAndRebound() {
    List<PciFunction> fns = new ArrayList<>(plain.pci());
    PciFunction gone = fns.remove(fns.size() - 1);
    PciFunction nic =
        plain.pci().stream().filter(f -> f.parent() != null).findFirst().orElseThrow();
    Report to =
        edit(
            with(plain, fns),
            nic.bdf(),
            g ->
                new PciFunction(
                    g.bdf(),
                    "0000:00:1f.0",
                    g.hostBridge(),
                    g.vendorId(),
                    g.deviceId(),
                    g.subsystemVendorId(),
                    g.subsystemDeviceId(),
                    g.classCode(),
                    g.revision(),
                    g.vendorName(),
                    g.deviceName(),
                    g.kind(),
                    g.portType(),
                    g.portTypeSource(),
                    "vfio-pci",
                    g.numaNode(),
                    g.localCpulist(),
                    g.iommu(),
                    g.sriov(),
                    g.p2pmem(),
                    g.link(),
                    g.acs(),
                    g.config()));
    Diff d = TopologyDiff.between(plain, to);
    assertEquals(List.of(gone.bdf()), devices(d, Kind.FUNCTION_REMOVED));
    assertEquals(List.of(nic.bdf()), devices(d, Kind.FUNCTION_MOVED));
    assertEquals("0000:00:1f.0", d.of(Kind.FUNCTION_MOVED).get(0).after());
    Change drv = d.of(Kind.DRIVER_CHANGED).get(0);
    assertEquals("vfio-pci", drv.after());
    assertEquals(nic.driver(), drv.before());
    // PCI changes come in BDF order
    List<String> order = d.changes().stream().map(Change::device).toList();
    List<String> sorted = new ArrayList<>(order);
    sorted.sort(TopologyDiff::compareBdf);
    assertEquals(sorted, order);
  }

  @Test
  void rdmaDevicesAndPorts() throws Exception {
    RdmaDevice.Port up =
        new RdmaDevice.Port(
            1,
            "ACTIVE",
            4,
            "LinkUp",
            5,
            100.0,
            "100 Gb/sec",
            "InfiniBand",
            "0x1",
            null,
            List.of(),
            List.of());
    RdmaDevice.Port down =
        new RdmaDevice.Port(
            1,
            "DOWN",
            1,
            "Disabled",
            3,
            100.0,
            "100 Gb/sec",
            "InfiniBand",
            "0x1",
            null,
            List.of(),
            List.of());
    RdmaDevice mlx = rdma("mlx5_0", up);
    Report from = withRdma(plain, List.of(mlx));
    Report to =
        new Report(
            1,
            "sysfs",
            plain.host(),
            plain.pci(),
            List.of(rdma("mlx5_0", down), rdma("mlx5_1", up)),
            plain.net(),
            plain.nvme(),
            plain.gpus(),
            List.of(),
            List.of());
    Diff d = TopologyDiff.between(from, to);
    assertEquals(List.of("mlx5_0/1", "mlx5_0/1"), devices(d, Kind.RDMA_PORT_CHANGED));
    assertEquals(
        List.of("state", "physState"),
        d.of(Kind.RDMA_PORT_CHANGED).stream().map(Change::field).toList());
    assertEquals(List.of("mlx5_1"), devices(d, Kind.RDMA_DEVICE_ADDED));
    // the rig's own software devices are gone from the edited report
    assertEquals(
        plain.rdma().stream().map(RdmaDevice::name).sorted().toList(),
        devices(d, Kind.RDMA_DEVICE_REMOVED));

    // JSON: records serialize; downtrained only where it means something
    String json = new ObjectMapper().writeValueAsString(d);
    assertTrue(json.contains("\"kind\":\"RDMA_PORT_CHANGED\""), json);
    assertFalse(json.contains("downtrained"), json);
  }

  private static RdmaDevice rdma(String name, RdmaDevice.Port port) {
    return new RdmaDevice(
        name,
        null,
        RdmaDevice.Provider.HARDWARE,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        List.of(port));
  }

  private static List<String> devices(Diff d, Kind k) {
    return d.of(k).stream().map(Change::device).toList();
  }

  private static PciFunction firstWithLink(Report r) {
    for (PciFunction f : r.pci()) {
      if (f.link() != null && f.parent() != null) {
        return f;
      }
    }
    throw new AssertionError("no function with a link");
  }

  static Report edit(Report r, String bdf, UnaryOperator<PciFunction> change) {
    List<PciFunction> fns = new ArrayList<>();
    for (PciFunction f : r.pci()) {
      fns.add(f.bdf().equals(bdf) ? change.apply(f) : f);
    }
    return with(r, fns);
  }

  static Report with(Report r, List<PciFunction> fns) {
    return r.withPci(fns);
  }

  static Report withRdma(Report r, List<RdmaDevice> rdma) {
    List<RdmaDevice> all = new ArrayList<>(r.rdma());
    all.addAll(rdma);
    return new Report(
        r.schemaVersion(),
        r.source(),
        r.host(),
        r.pci(),
        all,
        r.net(),
        r.nvme(),
        r.gpus(),
        r.nvlinks(),
        r.diagnostics());
  }
}
