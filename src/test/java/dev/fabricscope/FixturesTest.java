package dev.fabricscope;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lspci tree parser the demo tests use as their oracle reader. */
class FixturesTest {

  @Test
  void countsLeavesBridgesAndMultiFunctionDevices(@TempDir Path dir) throws Exception {
    Path tree = dir.resolve("t.txt");
    Files.writeString(
        tree,
        String.join(
            "\n",
            "# header line with 00.0 in it",
            "-+-[0000:00]-+-00.0  Intel Corporation Host bridge [8086:29c0]",
            " |           +-03.0  Red Hat, Inc. Virtio 1.0 block device [1af4:1001]",
            " |           +-05.0-[02]--+-00.0  Broadcom BCM5709 [14e4:1639]",
            " |           |            \\-00.1  Broadcom BCM5709 [14e4:1639]",
            " |           +-07.0-[04]--",
            " |           +-10.0-[01-06]----00.0-[02-06]--+-00.0-[03]----00.0  NVMe [1b36:0010]",
            " \\-[0000:a2]---00.0  Intel Corporation E810 [8086:159b]",
            ""));
    // 00.0, 03.0, 05.0, 00.0, 00.1, 07.0, 10.0, 00.0, 00.0, 00.0 and a2:00.0
    assertEquals(11, Fixtures.countLspciFunctions(tree));
  }
}
