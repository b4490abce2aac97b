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
 * NCCL 2.28.9 refused our {@code NCCL_TOPO_FILE} of the real H200 host with "XML Parse : expected
 * >, got '?'" ({@code shared/fixtures/gpu-hosts/h200-passthrough.nccl-loads-our-export.log}): its
 * parser reads no XML declaration. Our export now starts as NCCL's own dump of that host does.
 */
class NcclXmlDeclarationTest {

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
}
