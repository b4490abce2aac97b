package dev.fabricscope.sysfs;

import static dev.fabricscope.testing.FileModes.chmod;
import static dev.fabricscope.testing.FileModes.owner;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fabricscope.importer.ImportException;
import dev.fabricscope.importer.Importers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent running as root reads a directory tree only when no other user can swap its folders for
 * links, or its files for FIFOs, while it is read (sixteenth security review, finding 1): the
 * reviewer's tree belonged to {@code nobody}, who exchanged a device folder with a link to a
 * root-only folder between the walk and the open, and root archived the root-only file.
 */
class TreeGuardTest {

  static final int NOBODY = 65534;

  @TempDir Path tmp;
  private long self;
  private Path top;
  private Path device;

  @BeforeEach
  void tree() throws IOException {
    self = FileOwners.effectiveUid();
    assumeTrue(self >= 0, "a uid to compare with (Linux)");
    top = Files.createDirectory(tmp.resolve("tree"));
    device = Files.createDirectories(top.resolve("sys/devices/pci0000:00/0000:00:02.1"));
    Files.writeString(device.resolve("config"), "x");
    Files.writeString(device.resolve("vendor"), "0x8086");
    chmod(tmp, "0755");
  }

  /**
   * The kernel's own file systems are not entered: the chart's privileged agent reads {@code
   * --fsroot /host}, where the node's {@code /proc} holds {@code /proc/PID} folders of other users'
   * processes (the diff review of the sixteenth security review: the agent would have refused the
   * node and crash-looped).
   */
  @Test
  void aFolderOfTheKernelsIsNotEnteredWhoeverOwnsWhatIsInIt() throws IOException {
    assumeTrue(self == 0, "only root can give a folder to another user");
    Path proc = Files.createDirectories(top.resolve("proc/4242"));
    Files.createDirectory(proc.resolve("task"));
    owner(proc, NOBODY); // as /proc/PID of nobody's process
    assertTrue(TreeGuard.problem(top, self).contains("belongs to uid " + NOBODY));
    Path mount = top.resolve("proc").toRealPath();
    assertNull(TreeGuard.problem(top, self, d -> d.equals(mount)), "proc/ is the kernel's");
    assertEquals(
        TreeGuard.problem(top, self),
        TreeGuard.problem(top, self, d -> d.equals(mount.resolve("4242/task"))),
        "a folder below the bad one named instead changes nothing");
  }

  @Test
  void procAndSysAreKernelMountsAndAPlainFolderIsNot() throws IOException {
    assumeTrue(Files.isDirectory(Path.of("/proc/self")), "a Linux /proc");
    assertTrue(TreeGuard.isKernelMount(Path.of("/proc")));
    if (Files.isDirectory(Path.of("/sys/bus"))) {
      assertTrue(TreeGuard.isKernelMount(Path.of("/sys")));
    }
    assertTrue(!TreeGuard.isKernelMount(top) && !TreeGuard.isKernelMount(device));
    assertTrue(!TreeGuard.isKernelMount(Path.of("/")), "no parent: the host itself");
  }

  /** Root reads a tree through the path it checked, not through a link that could be repointed. */
  @Test
  void rootReadsTheTreeWhereItReallyIs() throws IOException {
    Path link = Files.createSymbolicLink(tmp.resolve("via-link"), top);
    Path read = TreeGuard.check(link);
    if (self == 0) {
      assertEquals(top.toRealPath(), read);
    } else {
      assertEquals(link, read, "another user's check changes nothing");
    }
  }

  @Test
  void aTreeOfThisUsersOwnIsRead() throws IOException {
    assertNull(TreeGuard.problem(top, self));
    assertNull(TreeGuard.problem(Path.of("/"), self), "the live host");
    Path link = Files.createSymbolicLink(tmp.resolve("link"), top);
    assertNull(TreeGuard.problem(link, self), "named through a link: judged where it is");
  }

  /** The reviewer's case: the tree, or one folder in it, is another user's. */
  @Test
  void aTreeOfAnotherUserIsRefused() throws IOException {
    assumeTrue(self == 0, "only root can give a folder away");
    owner(top, NOBODY);
    String why = TreeGuard.problem(top, 0);
    assertTrue(why != null && why.contains("the tree " + top.toRealPath()), why);
    assertTrue(why.contains("belongs to uid 65534"), why);
    owner(top, 0);
    owner(device, NOBODY);
    why = TreeGuard.problem(top, 0);
    assertTrue(why != null && why.contains(device.toRealPath().toString()), why);
    ImportException e = assertThrows(ImportException.class, () -> Importers.load(top, "tree"));
    assertTrue(e.getMessage().startsWith("tree: the folder "), e.getMessage());
    assertTrue(e.getMessage().contains("copy the tree to a folder of root's"), e.getMessage());
  }

  /** A folder in the tree that others may write is refused, sticky bit or not. */
  @Test
  void aFolderOthersMayWriteIsRefused() throws IOException {
    for (String mode : new String[] {"0775", "0757", "0777", "1777"}) {
      chmod(device, mode);
      String why = TreeGuard.problem(top, self);
      assertTrue(why != null && why.contains("may be written by other users"), mode + ": " + why);
    }
    chmod(device, "0755");
    assertNull(TreeGuard.problem(top, self));
  }

  /** Above the tree: another user's folder could rename it; a sticky shared one (/tmp) cannot. */
  @Test
  void theFoldersAboveAreChecked() throws IOException {
    for (String mode : new String[] {"0775", "0777"}) {
      chmod(tmp, mode);
      String why = TreeGuard.problem(top, self);
      assertTrue(why != null && why.contains("above the tree"), mode + ": " + why);
    }
    chmod(tmp, "1777");
    assertNull(TreeGuard.problem(top, self));
    assumeTrue(self == 0, "only root can give a folder away");
    owner(tmp, NOBODY);
    String why = TreeGuard.problem(top, 0);
    assertTrue(why != null && why.contains("belongs to uid 65534"), why);
    owner(tmp, 0);
  }

  /**
   * Links are not followed by the check: one that leaves the tree for another user's folder does
   * not make the tree unsafe (discovery refuses to follow it), one inside leads to checked folders.
   */
  @Test
  void linksAreNotFollowed() throws IOException {
    Path outside = Files.createDirectory(tmp.resolve("outside"));
    Files.writeString(outside.resolve("config"), "secret");
    chmod(outside, "0777");
    Files.createSymbolicLink(device.resolve("out"), Path.of("../../../../../outside"));
    Files.createSymbolicLink(device.resolve("in"), Path.of("../../pci0000:00"));
    assertNull(TreeGuard.problem(top, self));
    SysfsRoot root = SysfsRoot.of(top);
    assertEquals(
        "0x8086",
        root.textOpt("/sys/devices/pci0000:00/0000:00:02.1/in/0000:00:02.1/vendor").orElse(null));
    assertTrue(
        root.text("/sys/devices/pci0000:00/0000:00:02.1/out/config")
            .problem()
            .contains("leaves the root"));
  }
}
