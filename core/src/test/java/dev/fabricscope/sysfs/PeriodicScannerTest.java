package dev.fabricscope.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.topology.PciFunction;
import dev.fabricscope.topology.Report;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rescan sees link and port changes; a changed device set forces a full scan. */
class PeriodicScannerTest {

  @TempDir Path tmp;

  @Test
  void rescanFollowsLinkAndPortChangesAndDeviceSetChanges() throws Exception {
    try (var u = ArchiveExtractor.extract(Fixtures.sysfs("qemu-rig-iommu.tar.gz"))) {
      SysfsRoot root = u.sysfsRoot();
      PeriodicScanner scanner = new PeriodicScanner(root, new SysfsDiscovery());
      Report first = scanner.scan();
      assertEquals(first, scanner.scan(), "nothing changed: same report");

      // the NVMe behind the switch retrains at x4, 8 GT/s (files as a newer kernel writes them)
      Path dev =
          u.root()
              .resolve(
                  "sys/devices/pci0000:00/0000:00:10.0/0000:01:00.0/0000:02:00.0/0000:03:00.0");
      Files.writeString(dev.resolve("current_link_speed"), "8.0 GT/s PCIe\n");
      Files.writeString(dev.resolve("current_link_width"), "4\n");
      Path port = u.root().resolve("sys/devices/virtual/infiniband/rxe0/ports/1");
      Files.writeString(port.resolve("state"), "1: DOWN\n");
      Report second = scanner.scan();
      PciFunction nvme = find(second, "0000:03:00.0");
      assertEquals(8.0, nvme.link().current().speedGTs());
      assertEquals(4, nvme.link().current().width());
      assertEquals("DOWN", second.rdma().get(0).ports().get(0).state());
      assertEquals(1, second.rdma().get(0).ports().get(0).stateCode());
      assertEquals(first.pci().size(), second.pci().size());

      // a device disappears: full scan
      Files.delete(u.root().resolve("sys/bus/pci/devices/0000:08:00.0"));
      Report third = scanner.scan();
      assertEquals(first.pci().size() - 1, third.pci().size());
      assertNotEquals(second, third);
    }
  }

  private static PciFunction find(Report r, String bdf) {
    return r.pci().stream().filter(f -> f.bdf().equals(bdf)).findFirst().orElseThrow();
  }
}
