package dev.fabricscope.agent.bandwidth.nvme;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.sysfs.SysfsRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The block device of a controller, read from the rig's real sysfs ({@code qemu-rig-plain}; its
 * lspci-tv.txt shows the four NVMe controllers, and the guest's kernel named their namespaces
 * nvme0n1 to nvme3n1 in that order).
 */
class NvmeNamespacesTest {

  @Test
  void theRigsControllersAndTheirNamespaces() throws Exception {
    try (var u = ArchiveExtractor.extract(Fixtures.sysfs("qemu-rig-plain.tar.gz"))) {
      NvmeNamespaces ns = new NvmeNamespaces(u.sysfsRoot());
      assertEquals(Optional.of("nvme0n1"), ns.namespace("0000:03:00.0"));
      assertEquals(Optional.of("nvme1n1"), ns.namespace("0000:04:00.0"));
      assertEquals(Optional.of("nvme2n1"), ns.namespace("0000:08:00.0"));
      assertEquals(Optional.of("nvme3n1"), ns.namespace("0000:81:00.0"));
      assertEquals(
          List.of("0000:03:00.0", "0000:04:00.0", "0000:08:00.0", "0000:81:00.0"),
          ns.controllers());
      // the e1000e behind the switch and the switch port itself are no NVMe controllers
      assertEquals(Optional.empty(), ns.namespace("0000:05:00.0"));
      assertEquals(Optional.empty(), ns.namespace("0000:02:00.0"));
    }
  }

  @Test
  void textThatIsNoBdfNeverBecomesAPath(@TempDir Path root) throws Exception {
    Files.createDirectories(root.resolve("sys/bus/pci/devices/x/nvme/nvme0/nvme0n1"));
    NvmeNamespaces ns = new NvmeNamespaces(SysfsRoot.of(root));
    for (String bad : List.of("x", "../x", "0000:03:00.0/../../x", "0000:03:00.0;id", "")) {
      assertEquals(Optional.empty(), ns.namespace(bad), bad);
    }
  }

  @Test
  void multipathControllersNameTheSubsystemsHead(@TempDir Path root) throws Exception {
    // native multipath: the controller holds the hidden path nvme2c5n3, the device is nvme2n3
    Path c = root.resolve("sys/bus/pci/devices/0000:41:00.0/nvme/nvme5");
    Files.createDirectories(c.resolve("nvme2c5n3"));
    Files.createDirectories(c.resolve("nvme2c5n1"));
    assertEquals(
        Optional.of("nvme2n1"), new NvmeNamespaces(SysfsRoot.of(root)).namespace("0000:41:00.0"));
  }

  @Test
  void noNvmeOnAHostWithoutIt(@TempDir Path root) {
    assertEquals(List.of(), new NvmeNamespaces(SysfsRoot.of(root)).controllers());
  }
}
