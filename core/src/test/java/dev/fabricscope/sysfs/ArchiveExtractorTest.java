package dev.fabricscope.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.testing.HostileArchives;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The extractor refuses hostile archives and leaves no trace; it reads real gathers. */
class ArchiveExtractorTest {

  @TempDir Path tmp;

  // a private unpack folder per test: other processes may use /dev/shm at the same time
  @org.junit.jupiter.api.BeforeEach
  void privateUnpackFolder(@TempDir Path base) {
    System.setProperty("fabricscope.tmpdir", base.toString());
  }

  @org.junit.jupiter.api.AfterEach
  void defaultUnpackFolder() {
    System.clearProperty("fabricscope.tmpdir");
  }

  private static List<Path> leftoverTempDirs() throws IOException {
    try (Stream<Path> s = Files.list(ArchiveExtractor.tempBase())) {
      return s.filter(p -> p.getFileName().toString().startsWith("fabricscope-fsroot-")).toList();
    }
  }

  private void assertRefused(Path archive, String messagePart) throws IOException {
    List<Path> before = leftoverTempDirs();
    var e =
        assertThrows(
            ArchiveExtractor.ArchiveException.class, () -> ArchiveExtractor.extract(archive));
    assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    assertEquals(before, leftoverTempDirs(), "the temporary directory must be removed");
  }

  @Test
  void absolutePathIsRefused() throws IOException {
    Path victim = tmp.resolve("victim-abs");
    Path a =
        HostileArchives.withSysfs(tmp.resolve("abs.tar.gz"), "f:" + victim.toString() + "=owned");
    assertRefused(a, "absolute path");
    assertFalse(Files.exists(victim));
  }

  @Test
  void dotDotIsRefused() throws IOException {
    Path a =
        HostileArchives.withSysfs(
            tmp.resolve("dotdot.tar.gz"), "f:sys/../../../../tmp/fabricscope-dotdot=owned");
    assertRefused(a, "'..'");
    assertFalse(Files.exists(Path.of("/tmp/fabricscope-dotdot")));
  }

  @Test
  void writingThroughALinkThatLeavesTheRootIsRefused() throws IOException {
    Path outside = Files.createDirectory(tmp.resolve("outside"));
    Path a =
        HostileArchives.withSysfs(
            tmp.resolve("escape.tar.gz"), "l:sys/evil->" + outside, "f:sys/evil/planted=owned");
    assertRefused(a, "through the link");
    assertFalse(Files.exists(outside.resolve("planted")));
  }

  @Test
  void writingThroughARelativeEscapingLinkIsRefused() throws IOException {
    Path a =
        HostileArchives.withSysfs(
            tmp.resolve("escape-rel.tar.gz"),
            "l:sys/up->../../../../../../../../tmp",
            "f:sys/up/fabricscope-planted=owned");
    assertRefused(a, "through the link");
    assertFalse(Files.exists(Path.of("/tmp/fabricscope-planted")));
  }

  @Test
  void aLinkLeavingTheRootIsNeverCreatedOnDisk() throws IOException {
    Path a =
        HostileArchives.withSysfs(
            tmp.resolve("driver.tar.gz"), "l:sys/bus/pci/devices/x->../../../../../../etc");
    try (var u = ArchiveExtractor.extract(a)) {
      Path onDisk = u.root().resolve("sys/bus/pci/devices/x");
      assertFalse(Files.exists(onDisk, LinkOption.NOFOLLOW_LINKS));
      SysfsRoot root = u.sysfsRoot();
      // its text still reads (a driver link names the driver), but it never resolves
      assertEquals(Optional.of("../../../../../../etc"), root.linkText("/sys/bus/pci/devices/x"));
      assertEquals(Optional.empty(), root.resolve("/sys/bus/pci/devices/x"));
    }
  }

  @Test
  void millionEntriesAreRefused() throws IOException {
    Path a = HostileArchives.manyEntries(tmp.resolve("many.tar.gz"), 1_000_000);
    assertRefused(a, "entries");
  }

  @Test
  void bzip2BombStopsAtTheLimit() throws IOException {
    Path bomb = Path.of("src/test/resources/hostile/bzip2-bomb-4GiB.tar.bz2");
    assertTrue(Files.exists(bomb), bomb.toAbsolutePath().toString());
    assertRefused(bomb, "more than");
  }

  @Test
  void corruptAndForeignFilesAreRefused() throws IOException {
    Path notArchive = Files.writeString(tmp.resolve("notes.txt"), "hello");
    assertRefused(notArchive, "not a .tar");
    byte[] gz = Files.readAllBytes(Fixtures.sysfs("procfs-fixtures.tar.gz"));
    Path truncated = tmp.resolve("truncated.tar.gz");
    Files.write(truncated, java.util.Arrays.copyOf(gz, gz.length / 2));
    assertRefused(truncated, "cannot read archive");
  }

  @Test
  void anArchiveWithoutSysIsNotASysfsTree() throws IOException {
    Path a = HostileArchives.write(tmp.resolve("nosys.tar.gz"), "d:etc", "f:etc/hostname=x");
    assertRefused(a, "not a sysfs tree");
  }

  @Test
  void realGatherWithTopFolderAndEscapingDriverLinks() throws IOException {
    // procfs' driver links point above the archive root: kept as text, the tree still reads
    try (var u = ArchiveExtractor.extract(Fixtures.sysfs("procfs-fixtures.tar.gz"))) {
      SysfsRoot root = u.sysfsRoot();
      assertTrue(root.isDirectory("/sys/bus/pci/devices"));
      assertEquals(
          Optional.of("../../../../../../../../bus/pci/drivers/ice"),
          root.linkText("/sys/devices/pci0000:a2/0000:a2:00.0/driver"));
    }
  }
}
