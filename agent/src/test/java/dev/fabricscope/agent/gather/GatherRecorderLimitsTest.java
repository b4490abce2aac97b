package dev.fabricscope.agent.gather;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.sysfs.ArchiveExtractor.Limits;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Review 17 finding 3: gather bounds what it keeps by the importer's own limits, and what it does
 * write the importer accepts.
 */
class GatherRecorderLimitsTest {

  private static final long B = GatherRecorder.BLOCK;

  @Test
  void spaceOverTheLimitIsRefusedBeforeTheBytesAreKept() {
    GatherRecorder r = new GatherRecorder(new Limits(1000, 20 * B, 10 * B));
    r.directory("/sys");
    r.file("/sys/a", new byte[(int) (8 * B)]);
    var e =
        assertThrows(
            GatherRecorder.LimitExceeded.class, () -> r.file("/sys/b", new byte[(int) (9 * B)]));
    assertTrue(e.getMessage().contains("MiB unpacked"), e.getMessage());
    assertTrue(!r.entries().containsKey("/sys/b"), "nothing kept of the refused file");
  }

  @Test
  void entryCountOverTheLimitIsRefused() {
    GatherRecorder r = new GatherRecorder(new Limits(10, 1 << 30, 1 << 20));
    // "/", "/sys" and the reserve for the list of unreadable paths: 7 files fit
    for (int i = 0; i < 7; i++) {
      r.file("/sys/f" + i, new byte[1]);
    }
    var e = assertThrows(GatherRecorder.LimitExceeded.class, () -> r.link("/sys/l", "f0"));
    assertTrue(e.getMessage().contains("more than 10 paths"), e.getMessage());
  }

  @Test
  void oneFileOverTheFileLimitIsRefused() {
    GatherRecorder r = new GatherRecorder(new Limits(100, 1 << 30, 100));
    assertThrows(GatherRecorder.LimitExceeded.class, () -> r.file("/sys/big", new byte[101]));
  }

  @Test
  void sparseFilesStopTheGatherAtTheSpaceLimit(@TempDir Path dir) throws Exception {
    // review 17's case in small: files of 8 MiB apparent size and no blocks on disk, read as the
    // discovery reads them; the default limits stop the 64th, not the 7,045th
    GatherRecorder r = new GatherRecorder();
    Path sparse = dir.resolve("sparse");
    try (RandomAccessFile f = new RandomAccessFile(sparse.toFile(), "rw")) {
      f.setLength(8 << 20);
    }
    byte[] content = Files.readAllBytes(sparse);
    int kept = 0;
    try {
      for (int i = 0; i < 7045; i++) {
        r.file("/sys/devices/f" + i, content);
        kept++;
      }
    } catch (GatherRecorder.LimitExceeded e) {
      assertTrue(e.getMessage().startsWith("the tree would take more than 512 MiB"));
    }
    assertTrue(kept < 64, "kept " + kept + " files of 8 MiB");
  }

  @Test
  void manyRandomTreesAreEitherRefusedOrImportable(@TempDir Path dir) throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    int refused = 0;
    for (int round = 0; round < 60; round++) {
      Limits limits =
          new Limits(
              5 + random.nextInt(60), (4 + random.nextInt(60)) * B, 1 + random.nextInt(9000));
      GatherRecorder r = new GatherRecorder(limits);
      boolean wasRefused = false;
      try {
        for (int i = 0, n = random.nextInt(40); i < n; i++) {
          String path = "/sys/d" + random.nextInt(4) + "/x" + random.nextInt(12);
          switch (random.nextInt(4)) {
            case 0 -> r.directory(path);
            case 1 -> r.unreadable(path + "u", "Permission denied");
            default -> r.file(path + "f", new byte[random.nextInt(10_000)]);
          }
        }
        r.directory("/sys");
      } catch (GatherRecorder.LimitExceeded e) {
        wasRefused = true;
        refused++;
      }
      if (!wasRefused) {
        Path archive = dir.resolve("a" + round + ".tar.gz");
        GatherArchive.write(r.entries(), "host", archive);
        try (var unpacked = ArchiveExtractor.extract(archive, limits, dir)) {
          assertTrue(Files.isDirectory(unpacked.root().resolve("sys")), "seed " + seed);
        } catch (ArchiveExtractor.ArchiveException e) {
          throw new AssertionError("seed " + seed + ", round " + round + ": " + e.getMessage(), e);
        }
      }
    }
    assertTrue(refused > 0 && refused < 60, "seed " + seed + ": refused " + refused);
  }
}
