package dev.fabricscope.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fabricscope.oracle.Fixtures;
import dev.fabricscope.sysfs.FileOwners;
import dev.fabricscope.sysfs.UnpackFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command that unpacks removes the trees that processes no longer alive left in its folder
 * (fourteenth security review, finding 4), and leaves those of live processes and other files. A
 * SIGTERM during an unpacking: {@code FsrootShutdownIT}.
 */
class FsrootLeftoversTest {

  @TempDir Path tmp;

  @AfterEach
  void clearProperty() {
    System.clearProperty("fabricscope.tmpdir");
  }

  /** A pid no process has now: that of a child that has ended. */
  private static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    return p.pid();
  }

  private static Path leftover(Path base, String name) throws Exception {
    Path d = Files.createDirectories(base.resolve(name).resolve("sys/class"));
    Files.writeString(d.resolve("x"), "x");
    Instant old = Instant.now().minusSeconds(7200);
    for (Path p : List.of(d.resolve("x"), d, d.getParent(), base.resolve(name))) {
      Files.setLastModifiedTime(p, FileTime.from(old));
    }
    return base.resolve(name);
  }

  @Test
  void leftoversOfDeadProcessesAreRemovedAtTheNextUnpacking() throws Exception {
    Path base = Files.createDirectories(tmp.resolve("base"));
    long dead = deadPid();
    long live = ProcessHandle.current().parent().orElseThrow().pid();
    Path gone = leftover(base, "fabricscope-fsroot-" + dead + "-123abc");
    Path unnamed = leftover(base, "fabricscope-fsroot-456def"); // no pid, two hours old
    Path alive = leftover(base, "fabricscope-fsroot-" + live + "-789");
    Path other = leftover(base, "someone-elses-" + dead + "-folder");
    System.setProperty("fabricscope.tmpdir", base.toString());
    var r =
        InProcess.run("collect", "--fsroot", Fixtures.sysfs("qemu-rig-iommu.tar.gz").toString());
    assertEquals(0, r.code(), r.err());
    assertFalse(Files.exists(gone), "a dead process's tree");
    assertFalse(Files.exists(unnamed), "an old tree without a pid");
    assertTrue(Files.exists(alive), "a live process's tree stays");
    assertTrue(Files.exists(other), "other names stay");
    try (var s = Files.list(base)) {
      assertEquals(2, s.count(), "and the command's own tree is gone too");
    }
  }

  /**
   * Fifteenth security review, finding 1: in a base every user may write (as {@code /dev/shm}) the
   * command unpacks into its user's own subfolder and sweeps only there; a "leftover" another user
   * planted in the shared base, backdated and of a dead pid, is not touched.
   */
  @Test
  void aSharedBaseIsNeitherSweptNorUnpackedInDirectly() throws Exception {
    assumeTrue(FileOwners.effectiveUid() == 0, "only root can give a folder away");
    Path shared = Files.createDirectories(tmp.resolve("shm"));
    Files.setAttribute(shared, "unix:mode", 01777); // as /dev/shm
    long dead = deadPid();
    Path planted = leftover(shared, "fabricscope-fsroot-" + dead + "-attack");
    try (var s = Files.walk(planted)) {
      for (Path p : s.toList()) {
        Files.setAttribute(p, "unix:uid", 65534);
      }
    }
    Path own = shared.resolve(UnpackFolder.PREFIX + FileOwners.effectiveUid());
    Path gone = leftover(Files.createDirectories(own), "fabricscope-fsroot-" + dead + "-1");
    Files.setPosixFilePermissions(own, PosixFilePermissions.fromString("rwx------"));
    System.setProperty("fabricscope.tmpdir", shared.toString());
    var r = InProcess.run("topo", "--input", Fixtures.sysfs("qemu-rig-iommu.tar.gz").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(Files.exists(planted.resolve("sys/class/x")), "another user's tree stays whole");
    assertFalse(Files.exists(gone), "our own leftover in our folder goes");
    try (var s = Files.list(own)) {
      assertEquals(0, s.count(), "and the command's own tree is gone too");
    }
  }

  /** An XML, JSON or lspci input unpacks nothing: no folder is made for it, none swept. */
  @Test
  void aTextInputNeedsNoUnpackFolder() throws Exception {
    Path shared = Files.createDirectories(tmp.resolve("shm"));
    Files.setAttribute(shared, "unix:mode", 01777); // as /dev/shm
    Path lspci = Files.writeString(tmp.resolve("lspci.txt"), "-[0000:00]-+-00.0  Host bridge\n");
    System.setProperty("fabricscope.tmpdir", shared.toString());
    InProcess.run("topo", "--input", lspci.toString());
    try (var s = Files.list(shared)) {
      assertEquals(0, s.count());
    }
  }

  /** {@code topo --input ARCHIVE} unpacks too, and removes the same. */
  @Test
  void topoOfAnArchiveRemovesThemToo() throws Exception {
    Path base = Files.createDirectories(tmp.resolve("base"));
    Path gone = leftover(base, "fabricscope-fsroot-" + deadPid() + "-1");
    System.setProperty("fabricscope.tmpdir", base.toString());
    var r = InProcess.run("topo", "--input", Fixtures.sysfs("qemu-rig-iommu.tar.gz").toString());
    assertEquals(0, r.code(), r.err());
    assertFalse(Files.exists(gone));
  }
}
