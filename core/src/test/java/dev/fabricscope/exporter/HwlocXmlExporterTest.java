package dev.fabricscope.exporter;

import static dev.fabricscope.exporter.ExportRoundTrip.fixture;
import static dev.fabricscope.exporter.ExportRoundTrip.nvlinks;
import static dev.fabricscope.exporter.ExportRoundTrip.readBack;
import static dev.fabricscope.exporter.ExportRoundTrip.wellFormed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.topology.Gpu;
import dev.fabricscope.topology.Host;
import dev.fabricscope.topology.NetInterface;
import dev.fabricscope.topology.NvmeController;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.RdmaDevice;
import dev.fabricscope.topology.Report;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HwlocXmlExporter}: export → {@code Importers.load} → compare what hwloc XML carries (tree,
 * host bridges, ids, NUMA locality, GPUs, OS devices, NVLink counts); and lstopo, when installed,
 * must load every file.
 */
class HwlocXmlExporterTest {

  @TempDir Path tmp;

  /** BDF → parent|hostBridge|vendor:device|numa. */
  static Map<String, String> shape(Report r, boolean withHostBridge) {
    Map<String, String> out = new TreeMap<>();
    for (PciFunction f : r.pci()) {
      String hb = withHostBridge ? f.hostBridge() : "";
      out.put(
          f.bdf(),
          f.parent() + "|" + hb + "|" + f.vendorId() + ":" + f.deviceId() + "|" + f.numaNode());
    }
    return out;
  }

  void roundTrip(Report src, String name, boolean hostBridges) throws Exception {
    String xml = HwlocXmlExporter.write(src);
    assertEquals("topology", wellFormed(xml).getDocumentElement().getTagName());
    Report back = readBack(xml, tmp, name);
    assertEquals(shape(src, hostBridges), shape(back, hostBridges), name);
    assertEquals(
        src.gpus().stream().map(Gpu::pciFunction).toList(),
        back.gpus().stream().map(Gpu::pciFunction).toList(),
        name);
    assertEquals(names(src.rdma(), RdmaDevice::name), names(back.rdma(), RdmaDevice::name));
    assertEquals(
        src.rdma().stream().map(RdmaDevice::pciFunction).sorted().toList(),
        back.rdma().stream().map(RdmaDevice::pciFunction).sorted().toList());
    assertEquals(
        names(src.net().stream().filter(n -> n.pciFunction() != null).toList(), NetInterface::name),
        names(back.net(), NetInterface::name));
    assertEquals(names(src.nvme(), NvmeController::name), names(back.nvme(), NvmeController::name));
    assertEquals(nvlinks(src), nvlinks(back), name);
    assertEquals(
        src.host().numaNodes().stream().map(Host.NumaNode::id).toList(),
        back.host().numaNodes().stream().map(Host.NumaNode::id).toList());
    Path file = tmp.resolve(name);
    String console = ExportRoundTrip.lstopo(file);
    if (console != null) {
      assertTrue(console.contains("Machine"), console);
    }
    if (hostBridges) {
      // exporting what was read back gives the same document: nothing drifts on a second trip
      assertEquals(xml, HwlocXmlExporter.write(back), name);
    }
  }

  static <T> List<String> names(List<T> items, java.util.function.Function<T, String> name) {
    return items.stream().map(name).sorted().toList();
  }

  @Test
  void qemuRigSysfsCaptures() throws Exception {
    roundTrip(ExportRoundTrip.sysfs("qemu-rig-plain"), "rig-plain.xml", true);
    roundTrip(ExportRoundTrip.sysfs("qemu-rig-iommu"), "rig-iommu.xml", true);
  }

  @Test
  void dgx2() throws Exception {
    Report src = fixture("hwloc-xml", "nvidiaDGX2.xml");
    roundTrip(src, "dgx2.xml", true);
    String xml = HwlocXmlExporter.write(src);
    // hwloc's unit: GB/s per direction after encoding, as the source file wrote it
    assertTrue(xml.contains("pci_link_speed=\"15.753846\""), "GB/s kept");
    assertTrue(xml.contains("name=\"NVLinkBandwidth\""));
  }

  @Test
  void ncclFileWithoutHostBridges() throws Exception {
    // NCCL files have no host bridges: the exporter names one per root bus, so only the tree is
    // compared, not the hostBridge names
    roundTrip(fixture("nccl-xml", "aws-p4d-24xl-topo.xml"), "p4d.xml", false);
  }

  @Test
  void linkSpeedIsGigabytesAfterEncoding() throws Exception {
    Report src = ExportRoundTrip.sysfs("qemu-rig-iommu");
    PciFunction f =
        src.pci().stream()
            .filter(
                x ->
                    x.link() != null
                        && x.link().current() != null
                        && x.link().current().speedGTs() != null
                        && x.link().current().width() > 0)
            .findFirst()
            .orElseThrow();
    double gts = f.link().current().speedGTs();
    int w = f.link().current().width();
    double expected = gts * (gts <= 5 ? 0.8 : 128.0 / 130.0) * w / 8;
    assertEquals(
        String.format(java.util.Locale.ROOT, "%f", expected), HwlocXmlExporter.linkSpeed(f));
  }

  @Test
  void hostileStringsStayWellFormed() throws Exception {
    Report src = ExportRoundTrip.sysfs("qemu-rig-plain");
    String evil = "a<b>&\"c'\td\u0001";
    Host h = src.host();
    Report bad =
        new Report(
            1,
            src.source(),
            new Host(
                evil,
                h.kernelVersion(),
                h.kernelCommandLine(),
                h.architecture(),
                h.cpu(),
                h.numaNodes()),
            src.pci(),
            src.rdma(),
            src.net(),
            src.nvme(),
            src.gpus(),
            src.nvlinks(),
            src.diagnostics());
    Report back = readBack(HwlocXmlExporter.write(bad), tmp, "evil.xml");
    assertEquals("a<b>&\"c'\td\ufffd", back.host().name());
    wellFormed(NcclXmlExporter.write(bad));
  }

  @Test
  void pciTypeHasHwlocsShape() {
    PciFunction f = fixtureFunction();
    assertEquals("0302 [10de:1db8] [10de:131d] a1 00", HwlocXmlExporter.pciType(f));
  }

  private static PciFunction fixtureFunction() {
    try {
      return fixture("hwloc-xml", "nvidiaDGX2.xml").pci().stream()
          .filter(f -> f.bdf().equals("0000:34:00.0"))
          .findFirst()
          .orElseThrow();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
