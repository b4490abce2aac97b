package dev.fabricscope.agent.run;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fabricscope.sysfs.FileOwners;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A spool folder others may write is refused, and links in it are never followed (twelfth security
 * review, finding 3: with a world-writable spool, another user made a root agent post a root-only
 * file as a report, create its lock file anywhere and prune any folder's {@code *.json}). Each case
 * of the review, and every mode a folder can have.
 */
class SpoolFolderTest {

  @TempDir Path tmp;
  private final List<String> logged = new ArrayList<>();

  private Spool open(Path dir) throws IOException {
    return Spool.open(dir, Spool.Bounds.DEFAULT, logged::add);
  }

  private static Set<PosixFilePermission> mode(Path p) throws IOException {
    return Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
  }

  @Test
  void aNewSpoolAndItsRejectedFolderAreTheAgentsAlone() throws IOException {
    Path dir = tmp.resolve("a/b/spool");
    try (Spool s = open(dir)) {
      assertEquals(PosixFilePermissions.fromString("rwx------"), mode(dir));
      s.park(s.add("{}".getBytes(UTF_8)));
      assertEquals(PosixFilePermissions.fromString("rwx------"), mode(dir.resolve("rejected")));
    }
  }

  @Test
  void aSpoolFolderThatIsALinkIsRefused() throws IOException {
    Path real = Files.createDirectory(tmp.resolve("real"));
    Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
    IOException e = assertThrows(IOException.class, () -> open(link));
    assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
    assertFalse(Files.exists(real.resolve(".lock")), "nothing written through the link");
  }

  @Test
  void aFolderOfAnotherUserIsRefused() throws IOException {
    assumeTrue(FileOwners.effectiveUid() == 0, "only root can give a folder away");
    Path dir = Files.createDirectory(tmp.resolve("theirs"));
    Files.setAttribute(dir, "unix:uid", 65534);
    IOException e = assertThrows(IOException.class, () -> open(dir));
    assertTrue(e.getMessage().contains("belongs to uid 65534"), e.getMessage());
  }

  /** All 512 modes: refused exactly when the group or others may write. */
  @Test
  void everyModeIsJudgedByWhetherOthersMayWrite() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("modes"));
    PosixFilePermission[] all = PosixFilePermission.values();
    for (int bits = 0; bits < 512; bits++) {
      Set<PosixFilePermission> mode = java.util.EnumSet.noneOf(PosixFilePermission.class);
      for (int i = 0; i < 9; i++) {
        if ((bits & (1 << i)) != 0) {
          mode.add(all[i]);
        }
      }
      Files.setPosixFilePermissions(dir, mode);
      boolean othersWrite =
          mode.contains(PosixFilePermission.GROUP_WRITE)
              || mode.contains(PosixFilePermission.OTHERS_WRITE);
      String m = PosixFilePermissions.toString(mode);
      if (othersWrite) {
        IOException e = assertThrows(IOException.class, () -> SpoolFolder.check(dir), m);
        assertTrue(e.getMessage().contains("chmod go-w"), e.getMessage());
      } else {
        SpoolFolder.check(dir);
      }
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
  }

  @Test
  void aLinkedReportIsRemovedUnreadAndItsTargetKept() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("spool"));
    Path secret = Files.writeString(tmp.resolve("secret.txt"), "root only");
    Files.createSymbolicLink(dir.resolve("0000000000000001.json"), secret);
    try (Spool s = open(dir)) {
      assertEquals(0, s.depth(), "the link is no report");
    }
    assertFalse(Files.exists(dir.resolve("0000000000000001.json"), LinkOption.NOFOLLOW_LINKS));
    assertEquals("root only", Files.readString(secret));
    assertTrue(logged.stream().anyMatch(l -> l.contains("symbolic link")), logged.toString());
  }

  @Test
  void aLockFileThatIsALinkIsRemovedAndCreatesNothing() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("spool"));
    Path victim = tmp.resolve("created-by-agent");
    Files.createSymbolicLink(dir.resolve(".lock"), victim);
    try (Spool s = open(dir)) {
      assertTrue(Files.isRegularFile(dir.resolve(".lock"), LinkOption.NOFOLLOW_LINKS));
    }
    assertFalse(Files.exists(victim, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void theUidReadFromProcIsTheOwnerOfWhatThisProcessCreates() throws IOException {
    Path mine = Files.createFile(tmp.resolve("mine"));
    assertEquals(FileOwners.uid(mine), FileOwners.effectiveUid());
  }

  @Test
  void aRejectedFolderOthersMayWriteIsRefusedAtStart() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("spool"));
    Path rejected = Files.createDirectory(dir.resolve("rejected"));
    Files.setPosixFilePermissions(rejected, PosixFilePermissions.fromString("rwxrwxrwx"));
    IOException e = assertThrows(IOException.class, () -> open(dir));
    assertTrue(e.getMessage().contains("chmod go-w"), e.getMessage());
    // the lock was given back: the folder opens once fixed
    Files.setPosixFilePermissions(rejected, PosixFilePermissions.fromString("rwx------"));
    open(dir).close();
  }

  @Test
  void aReportFileOfAnotherUserIsRemovedUnread() throws IOException {
    assumeTrue(FileOwners.effectiveUid() == 0, "only root can give a file away");
    Path dir = Files.createDirectory(tmp.resolve("spool"));
    Path planted = Files.writeString(dir.resolve("0000000000000007.json"), "{\"planted\":1}");
    Files.setAttribute(planted, "unix:uid", 65534);
    Files.writeString(dir.resolve("0000000000000008.json"), "{}");
    try (Spool s = open(dir)) {
      assertEquals(1, s.depth());
      assertEquals(8, s.oldest().orElseThrow().seq());
    }
    assertFalse(Files.exists(planted));
    assertTrue(logged.stream().anyMatch(l -> l.contains("another user")), logged.toString());
  }

  @Test
  void aRejectedFolderThatIsALinkIsNotPruned() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("spool"));
    Path victims = Files.createDirectory(tmp.resolve("victims"));
    for (int i = 0; i < 25; i++) {
      Files.writeString(victims.resolve(i + ".json"), "keep");
    }
    Files.createSymbolicLink(dir.resolve("rejected"), victims);
    try (Spool s = open(dir)) {
      // found when the spool opens: removed as a link, not followed
      assertFalse(Files.exists(dir.resolve("rejected"), LinkOption.NOFOLLOW_LINKS));
      // planted while the agent runs: refused when a report is parked
      Files.createSymbolicLink(dir.resolve("rejected"), victims);
      Spool.Entry e = s.add("{}".getBytes(UTF_8));
      IOException refused = assertThrows(IOException.class, () -> s.park(e));
      assertTrue(refused.getMessage().contains("symbolic link"), refused.getMessage());
    }
    try (Stream<Path> left = Files.list(victims)) {
      assertEquals(25, left.count(), "no file of the linked folder deleted");
    }
  }
}
