package dev.fabricscope.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.topology.Diagnostic;
import dev.fabricscope.topology.Host;
import dev.fabricscope.topology.NvmeController;
import dev.fabricscope.topology.Report;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Folder names with numbers no kernel writes (the review of 2026-12-06: {@code node99999999999} in
 * an archive was a NumberFormatException and a 500): the tree is read, the name skipped with a
 * diagnostic where it looked like a NUMA node, and everything else is as without it.
 */
class OversizedNumbersTest {

  @Test
  void aNodeOrNvmeNumberBeyondAnIntIsSkipped() throws Exception {
    try (var u = ArchiveExtractor.extract(Fixtures.sysfs("qemu-rig-plain.tar.gz"))) {
      Report before = new SysfsDiscovery().discover(u.sysfsRoot());
      Path node = u.root().resolve("sys/devices/system/node/node99999999999");
      Files.createDirectories(node);
      Files.writeString(node.resolve("cpulist"), "0-1\n");
      Path block = u.root().resolve("sys/class/block/nvme99999999999n1");
      Files.createDirectories(block);
      Report after = new SysfsDiscovery().discover(u.sysfsRoot());

      assertEquals(
          before.host().numaNodes().stream().map(Host.NumaNode::id).toList(),
          after.host().numaNodes().stream().map(Host.NumaNode::id).toList());
      assertEquals(
          before.nvme().stream().map(NvmeController::name).toList(),
          after.nvme().stream().map(NvmeController::name).toList());
      assertTrue(
          after.diagnostics().stream()
              .map(Diagnostic::path)
              .anyMatch(p -> p.endsWith("node99999999999")),
          after.diagnostics().toString());
    }
  }
}
