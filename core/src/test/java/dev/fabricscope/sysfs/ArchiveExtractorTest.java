package dev.fabricscope.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.testing.HostileArchives;
import dev.fabricscope.testing.SentinelTree;
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
  private Path base;

  @org.junit.jupiter.api.BeforeEach
  void privateUnpackFolder(@TempDir Path base) {
    this.base = base;
  }

  /** Unpacks under this test's own folder, as the server and agent pass theirs. */
  private ArchiveExtractor.Unpacked extract(Path archive) throws IOException {
    return ArchiveExtractor.extract(archive, ArchiveExtractor.Limits.DEFAULT, base);
  }

  private List<Path> leftoverTempDirs() throws IOException {
    try (Stream<Path> s = Files.list(base)) {
      return s.filter(p -> p.getFileName().toString().startsWith("fabricscope-fsroot-")).toList();
    }
  }

  private void assertRefused(Path archive, String messagePart) throws IOException {
    List<Path> before = leftoverTempDirs();
    var e = assertThrows(ArchiveExtractor.ArchiveException.class, () -> extract(archive));
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
    try (var u = extract(a)) {
      Path onDisk = u.root().resolve("sys/bus/pci/devices/x");
      assertFalse(Files.exists(onDisk, LinkOption.NOFOLLOW_LINKS));
      SysfsRoot root = u.sysfsRoot();
      // its text still reads (a driver link names the driver), but it never resolves
      assertEquals(Optional.of("../../../../../../etc"), root.linkText("/sys/bus/pci/devices/x"));
      assertEquals(Optional.empty(), root.resolve("/sys/bus/pci/devices/x"));
    }
  }

  @Test
  void chainedLinksThatLeaveOnDiskCannotOverwriteAFile() throws IOException {
    SentinelTree sentinel = SentinelTree.create(tmp.resolve("sentinel"));
    var before = sentinel.fingerprint();
    Path a = HostileArchives.chainedLinkEscape(tmp.resolve("chain.tar.gz"), sentinel.victim());
    assertRefused(a, "two entries named y");
    assertEquals(before, sentinel.fingerprint(), "nothing outside the extraction folder changes");
  }

  @Test
  void chainedLinksAreKeptAsTextWhenTheyLeaveOnDisk() throws IOException {
    SentinelTree sentinel = SentinelTree.create(tmp.resolve("sentinel"));
    String deep = "sys/d0/d1/d2/d3/d4/d5/d6/d7";
    String up = "../".repeat(8);
    Path a =
        HostileArchives.withSysfs(
            tmp.resolve("chain-links.tar.gz"),
            "d:" + deep,
            "l:" + deep + "/l->" + up + "..",
            "l:sys/x->d0/d1/d2/d3/d4/d5/d6/d7/l/" + up + "..",
            "l:sys/y->x" + sentinel.victim(),
            "l:sys/ok->d0/d1");
    try (var u = extract(a)) {
      // l itself stays inside (it reaches the top); x follows l and leaves; y goes through x
      assertTrue(Files.isSymbolicLink(u.root().resolve(deep + "/l")));
      assertFalse(Files.exists(u.root().resolve("sys/x"), LinkOption.NOFOLLOW_LINKS));
      assertFalse(Files.exists(u.root().resolve("sys/y"), LinkOption.NOFOLLOW_LINKS));
      assertTrue(Files.isSymbolicLink(u.root().resolve("sys/ok")));
      assertEquals(Optional.of("x" + sentinel.victim()), u.sysfsRoot().linkText("/sys/y"));
    }
  }

  @Test
  void linkLoopsAreNeverCreated() throws IOException {
    Path a =
        HostileArchives.withSysfs(
            tmp.resolve("loop.tar.gz"), "l:sys/a->b", "l:sys/b->a", "l:sys/c->a/../..");
    try (var u = extract(a)) {
      for (String l : List.of("a", "b", "c")) {
        assertFalse(Files.exists(u.root().resolve("sys/" + l), LinkOption.NOFOLLOW_LINKS), l);
      }
    }
  }

  @Test
  void hardLinksDevicesFifosAndSparseFilesAreRefused() throws IOException {
    SentinelTree sentinel = SentinelTree.create(tmp.resolve("sentinel"));
    var before = sentinel.fingerprint();
    String[][] cases = {
      {"h:sys/h->" + sentinel.victim(), "hard link"},
      {"h:sys/h->sys/bus", "hard link"},
      {"c:sys/tty", "device file"},
      {"b:sys/sda", "device file"},
      {"p:sys/fifo", "FIFO"},
      {"S:sys/sparse", "sparse file"},
    };
    for (String[] c : cases) {
      Path a = HostileArchives.withSysfs(tmp.resolve("special.tar.gz"), "f:sys/a=1", c[0]);
      assertRefused(a, c[1]);
    }
    assertEquals(before, sentinel.fingerprint());
  }

  @Test
  void entriesUnderAFileOrTwiceNamedAreRefused() throws IOException {
    assertRefused(
        HostileArchives.withSysfs(tmp.resolve("under.tar.gz"), "f:sys/f=1", "f:sys/f/g=2"),
        "under the file");
    assertRefused(
        HostileArchives.withSysfs(tmp.resolve("twice.tar.gz"), "f:sys/f=1", "l:sys/f->bus"),
        "two entries named");
    assertRefused(
        HostileArchives.withSysfs(tmp.resolve("twice2.tar.gz"), "l:sys/f->bus", "d:sys/f"),
        "two entries named");
  }

  @Test
  void aTreeWithoutSysIsRefusedBeforeAnythingIsWritten() throws IOException {
    SentinelTree sentinel = SentinelTree.create(tmp.resolve("sentinel"));
    var before = sentinel.fingerprint();
    Path a =
        HostileArchives.write(
            tmp.resolve("nosys-chain.tar.gz"),
            "l:l->.",
            "l:x->l/../../../../../../../../../..",
            "l:y->x" + sentinel.victim(),
            "f:y=owned");
    assertRefused(a, "archive refused");
    assertEquals(before, sentinel.fingerprint());
  }

  @Test
  void anInterruptedThreadStopsUnpackingAndLeavesNothing() throws IOException {
    Thread.currentThread().interrupt();
    try {
      assertRefused(Fixtures.sysfs("procfs-fixtures.tar.gz"), "shutting down");
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void millionEntriesAreRefused() throws IOException {
    Path a = HostileArchives.manyEntries(tmp.resolve("many.tar.gz"), 1_000_000);
    assertRefused(a, "entries");
  }

  @Test
  void bzip2BombStopsAtTheLimit() throws IOException {
    assertRefused(HostileArchives.bzip2Bomb(), "more than");
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
    try (var u = extract(Fixtures.sysfs("procfs-fixtures.tar.gz"))) {
      SysfsRoot root = u.sysfsRoot();
      assertTrue(root.isDirectory("/sys/bus/pci/devices"));
      assertEquals(
          Optional.of("../../../../../../../../bus/pci/drivers/ice"),
          root.linkText("/sys/devices/pci0000:a2/0000:a2:00.0/driver"));
    }
  }
}
