package dev.fabricscope.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.sysfs.FileOwners;
import dev.fabricscope.sysfs.UnpackFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server stages and unpacks imports in its user's own folder of the shared default base, as the
 * agent does, and in a configured {@code fabricscope.tmpdir} as it is (the chart's emptyDir).
 */
class ImportFolderTest {

  @TempDir Path tmp;

  @Test
  void theDefaultBaseGetsThisUsersPrivateSubfolder() throws IOException {
    assumeTrue(FileOwners.effectiveUid() >= 0, "a uid (Linux)");
    Path base = ArchiveExtractor.defaultTempBase();
    Path folder = ImportFolder.of(Optional.empty());
    assertEquals(base, ImportFolder.base(Optional.empty()));
    Path real = base.toRealPath(); // /dev/shm may be a link (to /run/shm): judged where it is
    if (folder.equals(real)) {
      // a base of this user's alone is used as it is (UnpackFolder)
      String m = mode(base);
      assertTrue(m.charAt(4) == '-' && m.charAt(7) == '-', m);
      return;
    }
    assertEquals(real.resolve(UnpackFolder.PREFIX + FileOwners.effectiveUid()), folder);
    assertEquals("rwx------", mode(folder));
    assertEquals(FileOwners.effectiveUid(), FileOwners.uid(folder));
  }

  @Test
  void aConfiguredFolderIsUsedAsItIsEvenWhenOthersMayWriteIt() throws IOException {
    Path emptyDir = Files.createDirectory(tmp.resolve("emptydir"));
    Files.setPosixFilePermissions(emptyDir, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertEquals(emptyDir, ImportFolder.of(Optional.of(emptyDir)));
    assertEquals(emptyDir, ImportFolder.base(Optional.of(emptyDir)));
    assertTrue(Files.list(emptyDir).findAny().isEmpty(), "no subfolder made");
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(
        Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }
}
