package dev.fabricscope.sysfs;

import static dev.fabricscope.testing.FileModes.chmod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archives are unpacked, and leftovers swept, only in a folder of this user's alone (fifteenth
 * security review, finding 1): a shared base such as {@code /dev/shm} (mode 1777) gets a subfolder
 * of mode 0700; a subfolder another user planted, a link or a folder others may write is refused.
 */
class UnpackFolderTest {

  @TempDir Path tmp;
  private Path shared;
  private Path own;

  @BeforeEach
  void sharedBase() throws IOException {
    assumeTrue(FileOwners.effectiveUid() >= 0, "a uid to compare with (Linux)");
    shared = Files.createDirectory(tmp.resolve("shm"));
    chmod(shared, "1777"); // as /dev/shm
    own = shared.resolve(UnpackFolder.PREFIX + FileOwners.effectiveUid());
  }

  /**
   * A base others may write without the sticky bit is refused: another user could rename the
   * checked subfolder away and put a link in its place before the unpacking used it (the reading of
   * the fifteenth review's fixes). With the sticky bit, and for a base of our own, it is used.
   */
  @Test
  void aSharedBaseWithoutTheStickyBitIsRefused() throws IOException {
    for (String mode : new String[] {"0777", "0775", "0757"}) {
      chmod(shared, mode);
      IOException e = assertThrows(IOException.class, () -> UnpackFolder.of(shared), mode);
      assertTrue(e.getMessage().contains("no sticky bit"), e.getMessage());
    }
    for (String mode : new String[] {"1777", "1775"}) {
      chmod(shared, mode);
      assertEquals(own, UnpackFolder.of(shared), mode);
    }
  }

  @Test
  void aSharedBaseGetsASubfolderOfMode0700() throws IOException {
    assertEquals(own, UnpackFolder.of(shared));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(own)));
    assertEquals(own, UnpackFolder.of(shared), "and finds it again");
  }

  @Test
  void aBaseOfOurOwnIsUsedAsItIs() throws IOException {
    Path mine = Files.createDirectory(tmp.resolve("mine"));
    Files.setPosixFilePermissions(mine, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertEquals(mine, UnpackFolder.of(mine));
    assertEquals(tmp.resolve("none"), UnpackFolder.of(tmp.resolve("none")), "missing: as given");
  }

  @Test
  void aPlantedLinkIsRefusedAndNotFollowed() throws IOException {
    Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
    Files.createSymbolicLink(own, elsewhere);
    IOException e = assertThrows(IOException.class, () -> UnpackFolder.of(shared));
    assertTrue(e.getMessage().contains("is a symbolic link"), e.getMessage());
    assertTrue(e.getMessage().contains("FABRICSCOPE_TMPDIR"), e.getMessage());
  }

  @Test
  void aSubfolderOthersMayWriteIsRefused() throws IOException {
    Files.createDirectory(own);
    Files.setPosixFilePermissions(own, PosixFilePermissions.fromString("rwxrwxrwx"));
    IOException e = assertThrows(IOException.class, () -> UnpackFolder.of(shared));
    assertTrue(e.getMessage().contains("may be written by other users"), e.getMessage());
  }

  @Test
  void aSubfolderOfAnotherUserIsRefused() throws IOException {
    assumeTrue(FileOwners.effectiveUid() == 0, "only root can give a folder away");
    Files.createDirectory(own);
    Files.setPosixFilePermissions(own, PosixFilePermissions.fromString("rwx------"));
    Files.setAttribute(own, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);
    IOException e = assertThrows(IOException.class, () -> UnpackFolder.of(shared));
    assertTrue(e.getMessage().contains("belongs to uid 65534"), e.getMessage());
  }

  /**
   * A base that is a link (older Debian: {@code /dev/shm -> /run/shm}) is judged as the folder it
   * names; its own mode reads 0777, and every unpacking was refused as "no sticky bit" (sixteenth
   * security review, finding 3).
   */
  @Test
  void aLinkedBaseIsJudgedAsItsTarget() throws IOException {
    Path link = Files.createSymbolicLink(tmp.resolve("shmlink"), shared);
    assertEquals(shared.toRealPath().resolve(own.getFileName()), UnpackFolder.of(link));
    assertTrue(Files.isDirectory(own, LinkOption.NOFOLLOW_LINKS), "made in the real folder");

    Path mine = Files.createDirectory(tmp.resolve("mine"));
    Files.setPosixFilePermissions(mine, PosixFilePermissions.fromString("rwx------"));
    Path toMine = Files.createSymbolicLink(tmp.resolve("minelink"), mine);
    assertEquals(mine.toRealPath(), UnpackFolder.of(toMine), "private already: used as it is");
  }

  /**
   * A base of another user's is refused, sticky bit or not: its owner may rename our checked
   * subfolder and put a link to a folder of their choice in its place, and root unpacked there
   * (sixteenth security review, finding 3). Root's sticky bases are the shared ones that stay.
   */
  @Test
  void aBaseOfAnotherUserIsRefused() throws IOException {
    assumeTrue(FileOwners.effectiveUid() == 0, "only root can give a folder away");
    for (String mode : new String[] {"0755", "1777", "0700"}) {
      chmod(shared, mode);
      Files.setAttribute(shared, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);
      IOException e = assertThrows(IOException.class, () -> UnpackFolder.of(shared), mode);
      assertTrue(e.getMessage().contains("belongs to uid 65534"), e.getMessage());
      assertTrue(Files.notExists(own, LinkOption.NOFOLLOW_LINKS), "nothing is made there: " + mode);
    }
    Files.setAttribute(shared, "unix:uid", 0, LinkOption.NOFOLLOW_LINKS);
    chmod(shared, "1777");
    assertEquals(own, UnpackFolder.of(shared), "root's sticky base, as /dev/shm");
  }
}
