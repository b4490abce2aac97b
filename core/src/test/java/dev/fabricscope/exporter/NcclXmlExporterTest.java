package dev.fabricscope.exporter;

import static dev.fabricscope.exporter.ExportRoundTrip.fixture;
import static dev.fabricscope.exporter.ExportRoundTrip.nvlinks;
import static dev.fabricscope.exporter.ExportRoundTrip.readBack;
import static dev.fabricscope.exporter.ExportRoundTrip.wellFormed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.topology.DeviceKind;
import dev.fabricscope.topology.Gpu;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.RdmaDevice;
import dev.fabricscope.topology.Report;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * {@link NcclXmlExporter}: export → {@code Importers.load} → compare what NCCL's format carries
 * (p2p-rules.md §4.3, §4.8): GPUs and NICs, the switch nodes above them (up two levels), NUMA
 * placement, link capabilities, RDMA names and NVLink counts.
 */
class NcclXmlExporterTest {

  @TempDir Path tmp;

  /**
   * The functions NCCL lists: NVIDIA GPUs, functions with a hardware RDMA device (what its IB
   * plugin uses; a plain Ethernet function is no pci element of NCCL's own dump of the H200 host)
   * and every switch node above them.
   */
  static Map<String, String> expectedTree(Report r) {
    Map<String, String> out = new TreeMap<>();
    for (PciFunction f : r.pci()) {
      boolean rdma =
          r.rdma().stream()
              .anyMatch(
                  d ->
                      f.bdf().equals(d.pciFunction())
                          && d.provider() != RdmaDevice.Provider.SOFTWARE);
      if (f.kind() == DeviceKind.GPU && "0x10de".equals(f.vendorId()) || rdma) {
        String node = f.bdf();
        while (node != null && !out.containsKey(node)) {
          String up = NcclSwitches.switchParent(r, node);
          out.put(node, up == null ? "-" : up);
          node = up;
        }
      }
    }
    return out;
  }

  static Map<String, String> tree(Report r) {
    Map<String, String> out = new TreeMap<>();
    r.pci().forEach(f -> out.put(f.bdf(), f.parent() == null ? "-" : f.parent()));
    return out;
  }

  static Set<String> hardwareRdma(Report r) {
    return r.rdma().stream()
        .filter(d -> d.provider() != RdmaDevice.Provider.SOFTWARE)
        .map(RdmaDevice::name)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void qemuRigSwitchesCollapseToTheirUpstreamPort() throws Exception {
    Report src = ExportRoundTrip.sysfs("qemu-rig-iommu");
    String xml = NcclXmlExporter.write(src);
    Document doc = wellFormed(xml);
    assertEquals("system", doc.getDocumentElement().getTagName());
    assertEquals("1", doc.getDocumentElement().getAttribute("version"));
    Report back = readBack(xml, tmp, "rig-topo.xml");
    // the rig's NICs behind its switch are plain Ethernet with rxe only: NCCL lists none of them
    assertEquals(Map.of(), expectedTree(src));
    assertEquals(expectedTree(src), tree(back));
    assertTrue(back.pci().stream().noneMatch(f -> f.bdf().equals("0000:05:00.0")), xml);
    // rxe/siw are left to NCCL's own detection
    assertTrue(back.rdma().isEmpty(), xml);
    for (PciFunction f : back.pci()) {
      PciFunction s =
          src.pci().stream().filter(x -> x.bdf().equals(f.bdf())).findFirst().orElseThrow();
      assertEquals(s.vendorId(), f.vendorId(), f.bdf());
      assertEquals(s.deviceId(), f.deviceId(), f.bdf());
      assertEquals(s.classCode(), f.classCode(), f.bdf());
      assertEquals(s.numaNode(), f.numaNode(), f.bdf());
    }
    // NCCL makes a cpu element per NUMA node a listed device hangs below: with none, the one
    // numaid="-1" element its dump of a device-less locality shows (read back as no node)
    assertEquals(List.of(), back.host().numaNodes());
    assertEquals(src.host().cpu().vendor(), back.host().cpu().vendor());
  }

  @Test
  void dgx2GpusUnderTwoSwitchLevelsAndNvlinkCounts() throws Exception {
    Report src = fixture("hwloc-xml", "nvidiaDGX2.xml");
    String xml = NcclXmlExporter.write(src);
    wellFormed(xml);
    Report back = readBack(xml, tmp, "dgx2-topo.xml");
    assertEquals(expectedTree(src), tree(back));
    assertEquals(16, back.gpus().size());
    assertEquals(
        src.gpus().stream().map(Gpu::pciFunction).toList(),
        back.gpus().stream().map(Gpu::pciFunction).toList());
    assertEquals(nvlinks(src), nvlinks(back));
    assertEquals(hardwareRdma(src), hardwareRdma(back));
    assertTrue(xml.contains("tclass=\"0x068000\""), "NVSwitch targets carry NVSwitch's class");
  }

  @Test
  void gpuToGpuBondsAreListedUnderBothGpusAndCountedOnce() throws Exception {
    Report src = fixture("hwloc-xml", "power8gpudistances.xml");
    assertFalse(src.nvlinks().isEmpty());
    String xml = NcclXmlExporter.write(src);
    long elements = xml.lines().filter(l -> l.contains("<nvlink ")).count();
    assertEquals(2L * src.nvlinks().size(), elements, xml);
    Report back = readBack(xml, tmp, "p8-topo.xml");
    assertEquals(nvlinks(src), nvlinks(back));
  }

  @Test
  void ncclFileRoundTripsUnchanged() throws Exception {
    for (String name : new String[] {"aws-p4d-24xl-topo.xml", "azure-ncv4-topo.xml"}) {
      Report src = fixture("nccl-xml", name);
      String xml = NcclXmlExporter.write(src);
      wellFormed(xml);
      Report back = readBack(xml, tmp, name);
      assertEquals(tree(src), tree(back), name);
      for (int i = 0; i < src.pci().size(); i++) {
        PciFunction a = src.pci().get(i);
        PciFunction b = back.pci().get(i);
        assertEquals(a.link(), b.link(), a.bdf());
        assertEquals(a.numaNode(), b.numaNode(), a.bdf());
        assertEquals(a.subsystemDeviceId(), b.subsystemDeviceId(), a.bdf());
      }
      assertEquals(src.host().numaNodes(), back.host().numaNodes(), name);
      assertEquals(src.host().cpu(), back.host().cpu(), name);
      assertEquals(src.gpus(), back.gpus(), name);
      assertEquals(nvlinks(src), nvlinks(back), name);
      assertEquals(hardwareRdma(src), hardwareRdma(back), name);
    }
  }

  @Test
  void linkSpeedAsNcclWritesIt() throws Exception {
    Report src = fixture("nccl-xml", "aws-p4d-24xl-topo.xml");
    String xml = NcclXmlExporter.write(src);
    assertTrue(xml.contains("link_speed=\"8.0 GT/s PCIe\" link_width=\"16\""), xml);
    assertNull(NcclSwitches.switchParent(src, "ffff:ff:01.0"));
    assertEquals("ffff:ff:01.0", NcclSwitches.switchParent(src, "0000:10:1c.0"));
  }
}
