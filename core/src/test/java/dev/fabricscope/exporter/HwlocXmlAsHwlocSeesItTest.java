package dev.fabricscope.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.oracle.Lstopo;
import dev.fabricscope.topology.Report;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our hwloc XML of a gathered sysfs tree, loaded by the real lstopo, against the XML hwloc itself
 * wrote from the same tree (fixtures README: {@code .expected.xml} of hwloc's own test suite,
 * {@code --whole-io}; {@code .lstopo-whole-io.xml} written by lstopo 2.9.0 on the live hosts). Per
 * PCI object: ids, subsystem ids and revision as hwloc read them from config space, base class and
 * subclass, parent and bridge bus range; per NUMA node: its memory ({@code local_memory}); per
 * Package: {@code os_index}, cpuset and nodeset (the NUMA nodes it holds).
 *
 * <p>Compared on the objects both hold: hwloc's own file also lists what its Linux backend adds
 * beside PCI (none here), and the prog-if is written only from hwloc 3.0 on (lstopo 2.9 here), so
 * {@code pci_type} is compared on class, ids, subsystem ids and revision.
 */
class HwlocXmlAsHwlocSeesItTest {

  @TempDir static Path tmp;

  @TestFactory
  Stream<DynamicTest> sysfsTreesExportAsHwlocReadsThem() {
    Map<String, Path> cases = new TreeMap<>();
    Path sysfs = Fixtures.root().resolve("sysfs");
    cases.put("hwloc-32em64t-2n8c+dax+nvme+mic+dimms", sysfs.resolve("x.expected.xml"));
    cases.put("hwloc-40intel64-2g2n4c+pcilocality", sysfs.resolve("x.expected.xml"));
    cases.put("hwloc-gather-debian12-vm", sysfs.resolve("x.lstopo-whole-io.xml"));
    cases.put("h200-passthrough", Fixtures.root().resolve("gpu-hosts/x.lstopo-whole-io.xml"));
    return cases.entrySet().stream()
        .map(
            e ->
                DynamicTest.dynamicTest(
                    e.getKey(),
                    () -> {
                      Path dir = e.getValue().getParent();
                      String suffix = e.getValue().getFileName().toString().substring(1);
                      Path archive = dir.resolve(e.getKey() + ".tar.bz2");
                      check(archive, dir.resolve(e.getKey() + suffix));
                    }));
  }

  private static void check(Path archive, Path oracleFile) throws Exception {
    Report r = HwlocXmlLstopoRoundTripTest.report(archive);
    Path file = tmp.resolve(archive.getFileName() + ".xml");
    Files.writeString(file, HwlocXmlExporter.write(r));
    Lstopo.Result ours = Lstopo.load(file, tmp);
    assertEquals("", ours.stderr());
    String oracle = Files.readString(oracleFile);
    Map<String, String> want = fields(Lstopo.pci(oracle));
    Map<String, String> got = fields(Lstopo.pci(ours.xml()));
    // 32em64t: hwloc's own file has no object for 00:11.0, a PCI bridge whose config header
    // gives bus range [00-00] (secondary bus not above its own: not configured); hwloc's Linux
    // discovery leaves such a bridge out, and loads it from our XML all the same
    got.keySet().removeIf(bdf -> !want.containsKey(bdf) && got.get(bdf).endsWith(":[00-00]"));
    assertFalse(want.isEmpty());
    assertEquals(want, got, archive.getFileName().toString());
    Map<Integer, Long> memory = Lstopo.numaMemory(oracle);
    assertEquals(memory, Lstopo.numaMemory(ours.xml()), "NUMA memory");
    List<Lstopo.Package> packages = Lstopo.packages(oracle);
    assertFalse(packages.isEmpty(), "hwloc found packages in " + oracleFile.getFileName());
    assertEquals(packages, Lstopo.packages(ours.xml()), "packages: os_index, cpuset, nodeset");
  }

  /** busid → class, ids, subsystem ids, revision of pci_type | parent | bus range. */
  private static Map<String, String> fields(Map<String, Lstopo.Pci> pci) {
    Map<String, String> out = new TreeMap<>();
    pci.forEach(
        (bdf, p) -> {
          String[] t = p.pciType().split(" ");
          String type = String.join(" ", java.util.Arrays.copyOf(t, Math.min(4, t.length)));
          out.put(bdf, type + "|" + p.parent() + "|" + p.bridgePci());
        });
    return out;
  }
}
