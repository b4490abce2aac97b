package dev.fabricscope.agent.bandwidth.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.sysfs.SysfsRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CpuListTest {

  @Test
  void readsRangesAndSingles() {
    assertArrayEquals(new int[] {0, 1, 2, 3, 8, 10, 11}, CpuList.parse("0-3,8,10-11\n"));
    assertArrayEquals(new int[0], CpuList.parse(""));
    assertArrayEquals(new int[] {5}, CpuList.parse("5"));
  }

  @Test
  void refusesGarbage() {
    for (String bad : List.of("a", "3-1", "1-2-3", "-1", "1,,2", "0-99999", "1;2", "0x3")) {
      assertThrows(IllegalArgumentException.class, () -> CpuList.parse(bad), bad);
    }
  }

  /**
   * Oracle: in every real sysfs fixture the kernel wrote each node's CPUs twice, as a list ({@code
   * cpulist}) and as a hex mask ({@code cpumap}); both must name the same CPUs. Except in hwloc's
   * nvidiagpunumanodes, whose masks were cut down by hand (node0: list 0-87, mask 0-15; node8: list
   * 88-175, mask 88-103), so its lists cannot be checked this way.
   */
  @Test
  void listsAgreeWithTheKernelsMasksInEveryFixture() throws Exception {
    int nodesChecked = 0;
    for (Path archive : Fixtures.archives()) {
      try (ArchiveExtractor.Unpacked u = ArchiveExtractor.extract(archive)) {
        SysfsRoot root = u.sysfsRoot();
        String dir = "/sys/devices/system/node";
        if (!root.isDirectory(dir) || archive.toString().contains("nvidiagpunumanodes")) {
          continue;
        }
        for (String n : root.list(dir)) {
          var list = root.textOpt(dir + "/" + n + "/cpulist");
          var map = root.textOpt(dir + "/" + n + "/cpumap");
          if (!n.matches("node\\d+") || list.isEmpty() || map.isEmpty()) {
            continue;
          }
          assertArrayEquals(fromMask(map.get()), CpuList.parse(list.get()), archive + " " + n);
          nodesChecked++;
        }
      }
    }
    assertTrue(nodesChecked >= 20, "nodes checked: " + nodesChecked);
  }

  /** The live host: node CPUs together are the online CPUs (sysfs), as the kernel says. */
  @Test
  void liveNodesCoverTheOnlineCpus() throws Exception {
    NumaNodes nodes = NumaNodes.live();
    int[] all =
        nodes.nodes().values().stream()
            .flatMapToInt(x -> IntStream.of(x.cpus()))
            .sorted()
            .toArray();
    int[] online = CpuList.parse(Files.readString(Path.of("/sys/devices/system/cpu/online")));
    assertArrayEquals(online, all);
    assertEquals(Runtime.getRuntime().availableProcessors(), all.length);
  }

  /** An independent reading of the kernel's mask: 32-bit hex words, most significant first. */
  private static int[] fromMask(String mask) {
    String[] words = mask.strip().split(",");
    List<Integer> cpus = new ArrayList<>();
    for (int w = 0; w < words.length; w++) {
      long v = Long.parseLong(words[words.length - 1 - w], 16);
      for (int b = 0; b < 32; b++) {
        if ((v >>> b & 1) == 1) {
          cpus.add(w * 32 + b);
        }
      }
    }
    return cpus.stream().mapToInt(Integer::intValue).sorted().toArray();
  }
}
