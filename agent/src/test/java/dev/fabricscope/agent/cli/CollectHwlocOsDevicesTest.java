package dev.fabricscope.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.agent.Main;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.oracle.HwlocOracle;
import dev.fabricscope.oracle.HwlocOracle.OsDev;
import dev.fabricscope.report.ReportJson;
import dev.fabricscope.topology.Report;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * hwloc's gathered archives: the RDMA devices, network interfaces and NVMe controllers discovery
 * reports below PCI functions are the OpenFabrics, Network and NVMe-namespace OS devices lstopo
 * found in the same tree (name → parent busid). The {@code .expected.test} options
 * (HWLOC_PCI_LOCALITY, --whole-io) change where PCI sits, not OS device parents.
 */
class CollectHwlocOsDevicesTest {

  private static final Pattern NVME_NAMESPACE = Pattern.compile("(nvme\\d+)n\\d+");

  @TestFactory
  Stream<DynamicTest> osDevicesEqualLstopo() {
    List<Path> archives =
        Fixtures.archives().stream()
            .filter(a -> Fixtures.stem(a).startsWith("hwloc-"))
            .filter(a -> oracleFile(a) != null)
            .toList();
    assertTrue(archives.size() >= 5, "expected the hwloc archives with oracles, got " + archives);
    return archives.stream().map(a -> DynamicTest.dynamicTest(Fixtures.stem(a), () -> compare(a)));
  }

  private static Path oracleFile(Path archive) {
    for (String suffix : List.of(".expected.xml", ".expected.console")) {
      Path p = Fixtures.beside(archive, suffix);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    return null;
  }

  private static void compare(Path archive) throws Exception {
    Path oracle = oracleFile(archive);
    String text = Fixtures.read(oracle);
    List<OsDev> devs =
        oracle.toString().endsWith(".xml")
            ? HwlocOracle.fromXml(text)
            : HwlocOracle.fromConsole(text);
    Report r = CollectFixtureTreeTest.collect(archive);

    Map<String, String> hwRdma = new TreeMap<>();
    Map<String, String> hwNet = new TreeMap<>();
    Map<String, String> hwNvme = new TreeMap<>();
    for (OsDev d : devs) {
      if (d.parentBusid() == null) {
        continue; // not below PCI (DAX, pmem): nothing discovery places on a function
      }
      if (d.types().contains("OpenFabrics")) {
        hwRdma.put(d.name(), d.parentBusid());
      } else if (d.types().contains("Network")) {
        hwNet.put(d.name(), d.parentBusid());
      } else if (d.types().contains("Storage")) {
        Matcher m = NVME_NAMESPACE.matcher(d.name());
        if (m.matches()) {
          String old = hwNvme.put(m.group(1), d.parentBusid());
          assertTrue(old == null || old.equals(d.parentBusid()), "namespaces on two functions");
        }
      }
    }
    Map<String, String> ours = new TreeMap<>();
    r.rdma().stream()
        .filter(d -> d.pciFunction() != null)
        .forEach(d -> ours.put(d.name(), d.pciFunction()));
    assertEquals(hwRdma, ours, "RDMA devices (OpenFabrics OS devices) below PCI");

    ours.clear();
    r.net().stream()
        .filter(n -> n.pciFunction() != null)
        .forEach(n -> ours.put(n.name(), n.pciFunction()));
    assertEquals(hwNet, ours, "network interfaces (Network OS devices) below PCI");

    ours.clear();
    r.nvme().stream()
        .filter(n -> n.pciFunction() != null)
        .forEach(n -> ours.put(n.name(), n.pciFunction()));
    assertEquals(hwNvme, ours, "NVMe controllers (from hwloc's nvme namespaces) below PCI");
  }

  @Test
  void oracleIsNotEmptyWhereTheMachineHasRdma() {
    // guards the comparison above against an oracle parser that finds nothing
    List<OsDev> devs =
        HwlocOracle.fromXml(
            Fixtures.read(Fixtures.sysfs("hwloc-32em64t-2n8c+dax+nvme+mic+dimms.expected.xml")));
    assertTrue(
        devs.stream().anyMatch(d -> d.types().contains("OpenFabrics") && d.parentBusid() != null),
        devs.toString());
    List<OsDev> console =
        HwlocOracle.fromConsole(
            Fixtures.read(Fixtures.sysfs("hwloc-2pa-pcidomain32bits.expected.console")));
    assertTrue(
        console.stream().anyMatch(d -> d.types().contains("Network") && d.parentBusid() != null),
        console.toString());
  }

  @Test
  void emptyPlainDeviceFoldersDegradeToDiagnostics() throws Exception {
    Path archive = Fixtures.sysfs("hwloc-nvidiagpunumanodes.tar.bz2");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = Main.run(new String[] {"collect", "--fsroot", archive.toString()}, o, e);
    }
    assertEquals(0, code, "stderr: " + err.toString(StandardCharsets.UTF_8));
    Report r = ReportJson.read(out.toString(StandardCharsets.UTF_8));
    assertFalse(r.diagnostics().isEmpty(), "no diagnostics for unreadable PCI entries");
    assertTrue(
        r.diagnostics().stream().anyMatch(d -> d.path().startsWith("/sys/bus/pci/devices/")),
        "no diagnostic names a /sys/bus/pci/devices entry: " + r.diagnostics());
  }
}
