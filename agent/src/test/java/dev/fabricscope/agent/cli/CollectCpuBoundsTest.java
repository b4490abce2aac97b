package dev.fabricscope.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.agent.Main;
import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.sysfs.ArchiveExtractor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code collect} of a tree whose node lists CPUs past the report's bounds (the eleventh security
 * review's {@code rig2}: the QEMU rig with {@code node0/cpulist} 0-65535): exit 2 with one line
 * naming the CPU, in every output format, rather than a report the server would refuse (the hwloc
 * XML of it once ran for a minute and took 5.4 GB).
 */
class CollectCpuBoundsTest {

  @ParameterizedTest
  @ValueSource(strings = {"json", "hwloc-xml", "nccl-xml"})
  void aTreeNamingCpu65535IsRefused(String format) throws Exception {
    try (ArchiveExtractor.Unpacked u =
        ArchiveExtractor.extract(Fixtures.sysfs("qemu-rig-plain.tar.gz"))) {
      Path root = u.sysfsRoot().root();
      Path node0 = root.resolve("sys/devices/system/node/node0/cpulist");
      assertTrue(Files.isRegularFile(node0), node0.toString());
      Files.writeString(node0, "0-65535\n");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code;
      try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
          PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
        code = Main.run(new String[] {"collect", "--fsroot", "" + root, "--of", format}, o, e);
      }
      String message = err.toString(StandardCharsets.UTF_8);
      assertEquals(2, code, message);
      assertEquals(1, message.lines().count(), message);
      assertTrue(message.contains("names CPU 65535, not below 16384"), message);
      assertEquals(0, out.size(), "nothing written");
    }
  }
}
