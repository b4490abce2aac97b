package dev.fabricscope.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.topology.Acs;
import dev.fabricscope.topology.DeviceKind;
import dev.fabricscope.topology.Gpu;
import dev.fabricscope.topology.NvLink;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.Report;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** hwloc XML import checked against the XML text itself and lstopo's console output. */
class HwlocXmlImporterTest {

  private static final Pattern BUSID = Pattern.compile("pci_busid=\"([0-9a-f:.]+)\"");

  static Path xml(String name) {
    return Fixtures.root().resolve("hwloc-xml").resolve(name);
  }

  /** busid → busid of the nearest less-indented line above that has one (the XML nesting). */
  static Map<String, String> parentsByIndent(String xml) {
    Map<String, String> out = new HashMap<>();
    List<int[]> stackIndent = new ArrayList<>();
    List<String> stackBusid = new ArrayList<>();
    for (String line : xml.split("\n")) {
      if (!line.trim().startsWith("<object")) {
        continue;
      }
      int indent = line.indexOf('<');
      while (!stackIndent.isEmpty() && stackIndent.get(stackIndent.size() - 1)[0] >= indent) {
        stackIndent.remove(stackIndent.size() - 1);
        stackBusid.remove(stackBusid.size() - 1);
      }
      Matcher m = BUSID.matcher(line);
      String busid = m.find() ? m.group(1) : null;
      if (busid != null) {
        String parent = null;
        for (int i = stackBusid.size() - 1; i >= 0 && parent == null; i--) {
          parent = stackBusid.get(i);
        }
        out.put(busid, parent);
      }
      stackIndent.add(new int[] {indent});
      stackBusid.add(busid);
    }
    return out;
  }

  static Set<String> busidsWhere(String xml, String regexAfterBusid) {
    Matcher m = Pattern.compile("pci_busid=\"([0-9a-f:.]+)\" " + regexAfterBusid).matcher(xml);
    Set<String> out = new TreeSet<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @Test
  void dgx2GpusSwitchesNumaAndNvlinksAsInTheXml() throws Exception {
    String text = Fixtures.read(xml("nvidiaDGX2.xml"));
    Report r = Importers.load(xml("nvidiaDGX2.xml"));
    Map<String, PciFunction> byBdf =
        r.pci().stream().collect(Collectors.toMap(PciFunction::bdf, f -> f));
    Set<String> gpus = busidsWhere(text, "pci_type=\"0302");
    assertEquals(16, gpus.size());
    assertEquals(gpus, r.gpus().stream().map(Gpu::pciFunction).collect(Collectors.toSet()));
    Map<String, String> parents = parentsByIndent(text);
    for (String g : gpus) {
      assertEquals(parents.get(g), byBdf.get(g).parent(), g);
      assertEquals(DeviceKind.GPU, byBdf.get(g).kind());
    }
    // every PCI object, with its parent as nested in the XML
    assertEquals(parents.keySet(), byBdf.keySet());
    parents.forEach((b, p) -> assertEquals(p, byBdf.get(b).parent(), b));
    Set<String> nvswitches = busidsWhere(text, "").stream().collect(Collectors.toSet());
    Matcher sw =
        Pattern.compile("subtype=\"NVSwitch\" pci_busid=\"([0-9a-f:.]+)\" pci_type=\"(\\S+)")
            .matcher(text);
    int switches = 0;
    int zero = 0;
    while (sw.find()) {
      switches++;
      assertTrue(byBdf.containsKey(sw.group(1)));
      if (sw.group(2).equals("0000")) {
        zero++;
        assertEquals("0x0000", byBdf.get(sw.group(1)).vendorId());
      }
    }
    assertTrue(nvswitches.size() > switches);
    assertEquals(12, switches);
    assertEquals(1, zero);
    assertEquals(2, r.host().numaNodes().size());
    assertEquals(countMatches(text, "<object type=\"NUMANode\""), r.host().numaNodes().size());
    assertEquals("GenuineIntel", r.host().cpu().vendor());
    assertEquals(85, r.host().cpu().model());
    // host bridges named after their bridge_pci secondary bus
    assertEquals("pci0000:2b", byBdf.get("0000:34:00.0").hostBridge());
    // NUMA node = the package the host bridge hangs below (node 0 holds buses 2b and 4e)
    assertEquals(0, byBdf.get("0000:34:00.0").numaNode());
    assertEquals(1, byBdf.get("0000:b7:00.0").numaNode());
    // 15.753846 GB/s as written, no invented GT/s
    PciFunction g0 = byBdf.get("0000:34:00.0");
    assertEquals(15.753846, g0.link().reportedGBps(), 1e-9);
    assertNull(g0.link().current());
    assertEquals(Acs.UNKNOWN, g0.acs().state());
    assertEquals(PciFunction.INFERRED, g0.portTypeSource());
    // NVLink: the matrix's non-zero values, 25,000 MB/s per V100 link
    long total = matrixTotalUpperTriangle(text);
    assertEquals(
        total, Math.round(r.nvlinks().stream().mapToDouble(NvLink::bandwidthGBps).sum() * 1000));
    for (NvLink l : r.nvlinks()) {
      assertEquals(l.count() * 25.0, l.bandwidthGBps(), 1e-9, l.toString());
      assertTrue(gpus.contains(l.a()), l.toString());
    }
    // DGX-2: each V100 has six links, one to each NVSwitch of its baseboard
    for (String g : gpus) {
      assertEquals(
          6, r.nvlinks().stream().filter(l -> l.a().equals(g)).mapToInt(NvLink::count).sum(), g);
    }
  }

  /** Sum over i<j of max(m[i][j], m[j][i]) of the NVLinkBandwidth matrix in the text. */
  static long matrixTotalUpperTriangle(String text) {
    Matcher d =
        Pattern.compile("name=\"NVLinkBandwidth\">(.*?)</distances2", Pattern.DOTALL).matcher(text);
    assertTrue(d.find());
    String body = d.group(1);
    List<Long> v = new ArrayList<>();
    Matcher u = Pattern.compile("<u64values[^>]*>([^<]*)<").matcher(body);
    while (u.find()) {
      for (String t : u.group(1).trim().split("\\s+")) {
        v.add(Long.parseLong(t));
      }
    }
    int n = (int) Math.round(Math.sqrt(v.size()));
    assertEquals(n * n, v.size());
    long total = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        total += Math.max(v.get(i * n + j), v.get(j * n + i));
      }
    }
    return total;
  }

  @Test
  void power8P100LinksAreTwentyGigabytesEach() throws Exception {
    String text = Fixtures.read(xml("power8gpudistances.xml"));
    Report r = Importers.load(xml("power8gpudistances.xml"));
    Set<String> gpus = busidsWhere(text, "pci_type=\"0302");
    assertEquals(4, gpus.size());
    // the matrix in the file: GPU pairs at 40000 MB/s = 2 NVLink1 links; GPU-Package links are CPU
    assertEquals(2, r.nvlinks().size());
    for (NvLink l : r.nvlinks()) {
      assertEquals(2, l.count(), l.toString());
      assertEquals(40.0, l.bandwidthGBps());
      assertTrue(gpus.contains(l.a()) && gpus.contains(l.b()));
    }
    assertTrue(r.diagnostics().stream().anyMatch(d -> d.reason().contains("CPU NVLink")));
    assertEquals("ppc64le", r.host().architecture());
  }

  @Test
  void manyVfsAsInLstopoNoCollapseOutput() throws Exception {
    Path f = xml("16intel64-manyVFs.xml");
    String console = Fixtures.read(xml("16intel64-manyVFs.nocollapse.console"));
    Report r = Importers.load(f);
    long vfs = countMatches(console, "id=113[78]:00cf");
    assertTrue(vfs > 10);
    assertEquals(vfs, r.pci().stream().filter(p -> "0x00cf".equals(p.deviceId())).count());
    long pcis = countMatches(console, "busid=");
    assertEquals(pcis, r.pci().size());
    long nets = countMatches(console, "OSDev\\[Network\\]");
    assertEquals(nets, r.net().size());
  }

  @Test
  void v1FileGivesRdmaNvmeAndNoInventedClassCodes() throws Exception {
    Path f = xml("llnl-corona.xml");
    String text = Fixtures.read(f);
    Report r = Importers.load(f);
    assertEquals(busidsWhere(text, "").size(), r.pci().size());
    // hwloc 1.x wrote base class and subclass only: kept as those four digits, nothing added
    for (PciFunction p : r.pci()) {
      Matcher m =
          Pattern.compile("pci_busid=\"" + p.bdf() + "\" pci_type=\"([0-9a-f]{4}) ").matcher(text);
      assertTrue(m.find(), p.bdf());
      assertEquals("0x" + m.group(1), p.classCode(), p.bdf());
    }
    assertEquals(List.of("mlx5_0"), r.rdma().stream().map(x -> x.name()).toList());
    assertEquals("0c42:a103:006f:14ec", r.rdma().get(0).nodeGuid());
    assertEquals("0000:c4:00.0", r.rdma().get(0).pciFunction());
    assertEquals("ACTIVE", r.rdma().get(0).ports().get(0).state());
    assertTrue(
        r.nvme().stream()
            .anyMatch(n -> n.name().equals("nvme0") && n.pciFunction().equals("0000:21:00.0")));
    assertEquals(countMatches(text, "osdev_type=\"1\""), r.gpus().size());
  }

  static long countMatches(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    long n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
