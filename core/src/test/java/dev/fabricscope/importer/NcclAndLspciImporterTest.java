package dev.fabricscope.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.oracle.LspciTreeParser;
import dev.fabricscope.topology.Acs;
import dev.fabricscope.topology.DeviceKind;
import dev.fabricscope.topology.Gpu;
import dev.fabricscope.topology.NvLink;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.PciLink;
import dev.fabricscope.topology.PortType;
import dev.fabricscope.topology.Report;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** NCCL topology XML and lspci text import, checked against the files' own text. */
class NcclAndLspciImporterTest {

  static Map<String, PciFunction> byBdf(Report r) {
    return r.pci().stream().collect(Collectors.toMap(PciFunction::bdf, f -> f));
  }

  @Test
  void ncclGpusAndNvlinksAsInTheXml() throws Exception {
    Path f = Fixtures.root().resolve("nccl-xml/azure-ncv4-topo.xml");
    String text = Fixtures.read(f);
    Report r = Importers.load(f);
    Set<String> gpus = new TreeSet<>();
    Matcher g = Pattern.compile("busid=\"([^\"]+)\" class=\"0x0302").matcher(text);
    while (g.find()) {
      gpus.add(g.group(1));
    }
    assertEquals(4, gpus.size());
    assertEquals(gpus, r.gpus().stream().map(Gpu::pciFunction).collect(Collectors.toSet()));
    assertTrue(r.gpus().stream().allMatch(x -> Integer.valueOf(80).equals(x.sm())));
    // each <nvlink> with the busid of the pci it is nested in
    Set<String> expected = new HashSet<>();
    String current = null;
    for (String line : text.split("\n")) {
      Matcher p = Pattern.compile("<pci busid=\"([^\"]+)\"").matcher(line);
      if (p.find()) {
        current = p.group(1);
      }
      Matcher n = Pattern.compile("<nvlink target=\"([^\"]+)\" count=\"(\\d+)\"").matcher(line);
      if (n.find()) {
        expected.add(current + ">" + n.group(1) + "x" + n.group(2));
      }
    }
    assertEquals(4, expected.size());
    assertEquals(
        expected,
        r.nvlinks().stream()
            .map(l -> l.a() + ">" + l.b() + "x" + l.count())
            .collect(Collectors.toSet()));
    for (NvLink l : r.nvlinks()) {
      assertNull(l.bandwidthGBps());
    }
    assertEquals(4, r.host().numaNodes().size());
    assertEquals("AuthenticAMD", r.host().cpu().vendor());
    assertEquals(175, r.host().cpu().family());
    PciFunction g0 = byBdf(r).get("0001:00:00.0");
    assertNull(g0.parent());
    assertNull(g0.hostBridge());
    assertEquals(0, g0.numaNode());
    assertEquals("0-23", g0.localCpulist());
    // link_speed="" link_width="0": NCCL could not read it; written, so kept apart from absent
    assertEquals(new PciLink.LinkState(null, null), g0.link().max());
    assertNull(g0.link().current());
    assertEquals(Acs.UNKNOWN, g0.acs().state());
  }

  @Test
  void ncclVirtualSwitchesKeepTheirIdsAndChildren() throws Exception {
    Path f = Fixtures.root().resolve("nccl-xml/aws-p4d-24xl-topo.xml");
    Report r = Importers.load(f);
    Map<String, PciFunction> pci = byBdf(r);
    PciFunction sw = pci.get("ffff:ff:01.0");
    assertNull(sw.parent());
    assertEquals(PortType.SWITCH_UPSTREAM, sw.portType());
    assertEquals(DeviceKind.SWITCH_PORT, sw.kind());
    assertEquals("ffff:ff:01.0", pci.get("0000:10:1c.0").parent());
    assertEquals(DeviceKind.GPU, pci.get("0000:10:1c.0").kind());
    assertEquals(8.0, pci.get("0000:10:1c.0").link().max().speedGTs());
    assertEquals(16, pci.get("0000:10:1c.0").link().max().width());
    assertEquals(8, r.gpus().size());
  }

  static final Path PUGET = Fixtures.root().resolve("text/puget-threadripper-pro-wrx90.md");

  /** The lines of the lspci -tv block in the Markdown page (after its prompt, up to the fence). */
  static String pugetTree(String md) {
    int start = md.indexOf("lspci -tv\n") + "lspci -tv\n".length();
    return md.substring(start, md.indexOf("```", start));
  }

  @Test
  void pugetFunctionsGpusAndConnectX7AsInTheText() throws Exception {
    String md = Fixtures.read(PUGET);
    Map<String, LspciTreeParser.Node> tree = LspciTreeParser.parse(pugetTree(md));
    Set<String> expected = new TreeSet<>(tree.keySet());
    Map<String, String> headers = new HashMap<>();
    Matcher h =
        Pattern.compile("(?m)^([0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]) ([^:]+): (.*)$").matcher(md);
    while (h.find()) {
      headers.put("0000:" + h.group(1), h.group(2) + ": " + h.group(3));
    }
    assertEquals(4, headers.size());
    expected.addAll(headers.keySet());
    Report r = Importers.load(PUGET);
    Map<String, PciFunction> pci = byBdf(r);
    assertEquals(expected, pci.keySet());
    tree.forEach((b, n) -> assertEquals(n.parent(), pci.get(b).parent(), b));
    Set<String> ada =
        headers.entrySet().stream()
            .filter(e -> e.getValue().contains("RTX 6000 Ada"))
            .map(Map.Entry::getKey)
            .collect(Collectors.toSet());
    assertEquals(2, ada.size());
    assertEquals(ada, r.gpus().stream().map(Gpu::pciFunction).collect(Collectors.toSet()));
    for (String g : ada) {
      assertEquals(tree.get(g).parent(), pci.get(g).parent());
      assertEquals("nvidia", pci.get(g).driver());
      assertEquals(16.0, pci.get(g).link().capability().speedGTs());
      assertEquals(2.5, pci.get(g).link().status().speedGTs()); // "Speed 2.5GT/s (downgraded)"
      assertEquals(PortType.ENDPOINT, pci.get(g).portType()); // "Legacy Endpoint"
      assertEquals(PciFunction.FROM_CONFIG, pci.get(g).portTypeSource());
      assertEquals(256, pci.get(g).config().mpsBytes());
      assertEquals(512, pci.get(g).config().mrrsBytes());
      assertEquals("0x030000", pci.get(g).classCode()); // VGA compatible controller, prog-if 00
      assertEquals(Acs.ABSENT, pci.get(g).acs().state());
    }
    String cx7 =
        headers.entrySet().stream()
            .filter(e -> e.getValue().contains("ConnectX-7"))
            .map(Map.Entry::getKey)
            .findFirst()
            .orElseThrow();
    assertEquals(tree.get(cx7).parent(), pci.get(cx7).parent());
    assertEquals("pci0000:20", pci.get(cx7).hostBridge());
    assertEquals("mlx5_core", pci.get(cx7).driver());
    assertEquals(DeviceKind.NIC, pci.get(cx7).kind());
    // functions without a -vvv block: ACS unknown, port type inferred
    PciFunction nvmeSwitch = pci.get("0000:01:00.0");
    assertEquals(Acs.UNKNOWN, nvmeSwitch.acs().state());
    assertEquals(PciFunction.INFERRED, nvmeSwitch.portTypeSource());
    assertEquals(PortType.SWITCH_UPSTREAM, nvmeSwitch.portType());
    ImportersTest.assertValid(r, PUGET.toString());
  }

  @Test
  void acsControlBitsFromVerboseText() throws Exception {
    String text =
        "$ lspci -tvnn\n"
            + "-[0000:00]-+-00.0  Intel Corporation Device [8086:09a2]\n"
            + "           \\-01.0-[01]----00.0  NVIDIA Corporation Device [10de:2330]\n"
            + "$ sudo lspci -vvv -s 00:01.0\n"
            + "00:01.0 PCI bridge: Intel Corporation Device 347a (rev 04) (prog-if 00 [Normal decode])\n"
            + "\tCapabilities: [40] Express (v2) Root Port (Slot+), MSI 00\n"
            + "\t\tLnkCap:\tPort #1, Speed 32GT/s, Width x16, ASPM not supported\n"
            + "\t\tLnkSta:\tSpeed 32GT/s, Width x16\n"
            + "\tCapabilities: [220 v1] Access Control Services\n"
            + "\t\tACSCap:\tSrcValid+ TransBlk- ReqRedir+ CmpltRedir+ UpstreamFwd+ EgressCtrl- DirectTrans-\n"
            + "\t\tACSCtl:\tSrcValid+ TransBlk- ReqRedir+ CmpltRedir- UpstreamFwd+ EgressCtrl- DirectTrans-\n"
            + "\tKernel driver in use: pcieport\n";
    Report r = Importers.parse(text.getBytes(StandardCharsets.UTF_8), "log.txt");
    PciFunction port = byBdf(r).get("0000:00:01.0");
    assertEquals(Acs.PRESENT, port.acs().state());
    assertTrue(port.acs().control().reqRedir());
    assertTrue(!port.acs().control().cmpltRedir());
    assertTrue(port.acs().capability().cmpltRedir());
    assertEquals(Boolean.TRUE, port.acs().redirects());
    assertEquals(PortType.ROOT_PORT, port.portType());
    assertEquals("0x060400", port.classCode());
    PciFunction gpu = byBdf(r).get("0000:01:00.0");
    assertEquals("0x10de", gpu.vendorId());
    assertEquals("0x2330", gpu.deviceId());
    assertEquals("0000:00:01.0", gpu.parent());
    assertNull(gpu.link()); // no -vvv block for the GPU: no link
  }

  @Test
  void lspciTvnnFixturesMatchTheTreeOracle() throws Exception {
    for (Path a : Fixtures.archives()) {
      Path t = Fixtures.beside(a, ".lspci-tvnn.txt");
      if (!t.toFile().exists()) {
        continue;
      }
      Map<String, LspciTreeParser.Node> oracle = LspciTreeParser.parse(Fixtures.read(t));
      Report r = Importers.load(t);
      Map<String, PciFunction> pci = byBdf(r);
      assertEquals(oracle.keySet(), pci.keySet(), t.toString());
      oracle.forEach(
          (b, n) -> {
            assertEquals(n.parent(), pci.get(b).parent(), b);
            if (n.vendorDevice() != null) {
              assertEquals(
                  n.vendorDevice(),
                  pci.get(b).vendorId().substring(2) + ":" + pci.get(b).deviceId().substring(2),
                  b);
            }
          });
      ImportersTest.assertValid(r, t.toString());
    }
  }
}
