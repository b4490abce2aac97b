package dev.fabricscope.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.sysfs.SysfsDiscovery;
import dev.fabricscope.topology.Report;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Our NCCL topology XML as NCCL itself reads and writes it. NCCL 2.28.9 refused our {@code
 * NCCL_TOPO_FILE} of the real H200 host with "XML Parse : expected >, got '?'" ({@code
 * shared/fixtures/gpu-hosts/h200-passthrough.nccl-loads-our-export.log}): its parser reads no XML
 * declaration. Our export now starts as NCCL's own dump of that host does.
 */
class NcclXmlAsNcclReadsItTest {

  @Test
  void theExportStartsAsNcclsOwnDump() throws Exception {
    Path dir = Fixtures.root().resolve("gpu-hosts");
    Report h200;
    try (var u = ArchiveExtractor.extract(dir.resolve("h200-passthrough.tar.bz2"))) {
      h200 = new SysfsDiscovery().discover(u.sysfsRoot());
    }
    String ours = NcclXmlExporter.write(h200);
    String dump = Files.readString(dir.resolve("h200-passthrough.nccl-topo-dump.xml"));
    assertFalse(ours.contains("<?"), "NCCL's parser refuses processing instructions");
    assertEquals(firstLine(dump), firstLine(ours));
  }

  private static String firstLine(String xml) {
    return xml.strip().lines().findFirst().orElse("").strip();
  }

  /**
   * procfs-fixtures has NUMA nodes without CPUs: the export used to fail (a 500 with a
   * NullPointerException from {@code /export?format=nccl-xml}); now it lists a cpu element per node
   * that has CPUs (as NCCL does), none for the CPU-less ones, and reads back.
   */
  @Test
  void numaNodesWithoutCpusExport() throws Exception {
    Report r;
    try (var u = ArchiveExtractor.extract(Fixtures.sysfs("procfs-fixtures.tar.gz"))) {
      r = new SysfsDiscovery().discover(u.sysfsRoot());
    }
    long cpuLess =
        r.host().numaNodes().stream()
            .filter(n -> n.cpulist() == null || n.cpulist().isBlank())
            .count();
    org.junit.jupiter.api.Assertions.assertTrue(cpuLess > 0, "the fixture has CPU-less nodes");
    String xml = NcclXmlExporter.write(r);
    long withCpus = r.host().numaNodes().size() - cpuLess;
    long cpuElements = xml.lines().filter(l -> l.strip().startsWith("<cpu ")).count();
    assertEquals(Math.max(1, withCpus), cpuElements, xml);
    Path f = Files.createTempFile("procfs-nccl-", ".xml");
    try {
      Files.writeString(f, xml);
      dev.fabricscope.importer.Importers.load(f); // reads back without a complaint
    } finally {
      Files.deleteIfExists(f);
    }
  }

  /**
   * The ghw capture with an AMD Radeon: NCCL uses CUDA devices only, so the export names no GPU and
   * no PCI node for the Radeon (it was exported as {@code <gpu gdr="1">}).
   */
  @Test
  void onlyNvidiaGpusAreNcclGpus() throws Exception {
    Report r;
    try (var u =
        ArchiveExtractor.extract(
            Fixtures.sysfs("ghw-linux-amd64-61797caf7c0b6bca1725ad7975ed4773.tar.gz"))) {
      r = new SysfsDiscovery().discover(u.sysfsRoot());
    }
    var amd =
        r.pci().stream()
            .filter(f -> f.kind() == dev.fabricscope.topology.DeviceKind.GPU)
            .filter(f -> "0x1002".equals(f.vendorId()))
            .toList();
    org.junit.jupiter.api.Assertions.assertFalse(amd.isEmpty(), "the capture has an AMD GPU");
    String xml = NcclXmlExporter.write(r);
    assertFalse(xml.contains("<gpu"), xml);
    for (var f : amd) {
      assertFalse(xml.contains("busid=\"" + f.bdf() + "\""), f.bdf() + " in " + xml);
    }
  }
}
