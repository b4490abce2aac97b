package dev.fabricscope.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up removal of what imports of an earlier process left in the temp base (security review
 * 9, finding 3): unpacked trees and staged uploads older than the start go, whatever is newer,
 * unrelated or another live process's stays, and a leftover that is a symlink is removed as a link
 * without touching what it points to.
 */
class UnpackTempsTest {

  private static final long OWN = 4242;
  private static final long OTHER_LIVE = 77;
  private static final long DEAD = 99;

  @TempDir Path base;
  @TempDir Path outside;
  private Instant start;

  @BeforeEach
  void startAfterTheLeftovers() {
    // everything made below before setting a later time is "older than this process's start"
    start = Instant.now().plusSeconds(60);
  }

  private List<Path> sweep() throws IOException {
    return UnpackTemps.removeLeftovers(base, start, OWN, pid -> pid == OWN || pid == OTHER_LIVE);
  }

  private Path tree(String name) throws IOException {
    Path t = Files.createDirectories(base.resolve(name).resolve("sys/bus/pci"));
    Files.writeString(t.resolve("f"), "x");
    Files.createSymbolicLink(t.resolve("up"), outside);
    return base.resolve(name);
  }

  /** Modified {@code hours} before the start. */
  private Path aged(Path p, int hours) throws IOException {
    Files.setLastModifiedTime(p, FileTime.from(start.minusSeconds(hours * 3600L)));
    return p;
  }

  private Path newer(Path p) throws IOException {
    Files.setLastModifiedTime(p, FileTime.from(start.plusSeconds(5)));
    return p;
  }

  private Set<String> names() throws IOException {
    try (Stream<Path> s = Files.list(base)) {
      Set<String> out = new TreeSet<>();
      s.forEach(p -> out.add(p.getFileName().toString()));
      return out;
    }
  }

  @Test
  void leftoversOlderThanTheStartAreRemoved() throws IOException {
    Files.writeString(outside.resolve("keep"), "target");
    aged(tree("fabricscope-fsroot-123456789"), 2); // an earlier version's: no pid
    tree("fabricscope-fsroot-" + DEAD + "-555");
    tree("fabricscope-fsroot-" + OWN + "-556"); // a container restart: the same pid again
    aged(Files.write(base.resolve("fabricscope-import-987.bin"), new byte[100]), 2);
    Files.write(base.resolve("fabricscope-import-" + DEAD + "-988.bin"), new byte[100]);
    // a demo archive's copy of a server that died while seeding (thirteenth security review)
    Files.write(base.resolve(UnpackTemps.DEMO_PREFIX + DEAD + "-77-qemu.tar.gz"), new byte[10]);
    // the copy of a streamed archive (topo --input -) a killed run left: named as a staged upload
    // since the sixteenth security review, finding 4 (fabricscope-input-*.archive was never swept)
    Files.createTempFile(base, UnpackTemps.STAGED_PREFIX + DEAD + "-", UnpackTemps.STAGED_SUFFIX);

    List<Path> removed = sweep();

    assertEquals(7, removed.size(), removed::toString);
    assertEquals(Set.of(), names());
    assertEquals("target", Files.readString(outside.resolve("keep")), "links are not followed");
  }

  @Test
  void newerUnrelatedAndLiveOnesStay() throws IOException {
    newer(tree("fabricscope-fsroot-" + DEAD + "-1"));
    newer(Files.write(base.resolve("fabricscope-import-" + OWN + "-2.bin"), new byte[1]));
    tree("fabricscope-fsroot-" + OTHER_LIVE + "-3"); // another server's import in progress
    // no pid: perhaps an older server's import in progress, until an hour before the start
    Files.createDirectory(base.resolve("fabricscope-fsroot-31337"));
    Files.writeString(base.resolve("fabricscope-import-5.txt"), "not a staged upload");
    Files.writeString(base.resolve("fabricscope-demo-6-qemu.tar.gz"), "not ours to judge");
    Files.writeString(base.resolve(UnpackTemps.DEMO_PREFIX + OTHER_LIVE + "-4-a.tar.gz"), "live");
    Files.createDirectory(base.resolve("hostile-generated-7"));
    Set<String> before = names();

    assertEquals(List.of(), sweep());

    assertEquals(before, names());
    assertTrue(Files.exists(base.resolve("fabricscope-fsroot-" + OTHER_LIVE + "-3/sys/bus/pci/f")));
  }

  @Test
  void aSymlinkedLeftoverIsRemovedAsALink() throws IOException {
    Path target = Files.createDirectories(outside.resolve("fabricscope-fsroot-target"));
    Files.writeString(target.resolve("precious"), "keep me");
    Path file = Files.writeString(outside.resolve("file.bin"), "keep me too");
    Path link = Files.createSymbolicLink(base.resolve("fabricscope-fsroot-" + DEAD + "-8"), target);
    Path fileLink =
        Files.createSymbolicLink(base.resolve("fabricscope-import-" + DEAD + "-9.bin"), file);

    assertEquals(2, sweep().size());

    assertFalse(Files.exists(link, LinkOption.NOFOLLOW_LINKS));
    assertFalse(Files.exists(fileLink, LinkOption.NOFOLLOW_LINKS));
    assertEquals("keep me", Files.readString(target.resolve("precious")));
    assertEquals("keep me too", Files.readString(file));
  }

  @Test
  void aSymlinkIsJudgedByItsOwnTimeNotItsTargets() throws IOException {
    // a target modified after the start does not shield an old link, nor is it removed
    Path target = newer(Files.createDirectories(outside.resolve("fresh")));
    Files.createSymbolicLink(base.resolve("fabricscope-fsroot-" + DEAD + "-10"), target);
    assertEquals(1, sweep().size());
    assertTrue(Files.isDirectory(target));
  }

  /**
   * Fifteenth security review, finding 1: any user could plant a backdated "leftover" of a dead pid
   * in {@code /dev/shm} for root to remove. Entries of another user stay, whatever their name and
   * age; ours of a dead pid go.
   */
  @Test
  void onlyOurOwnLeftoversAreRemoved() throws IOException {
    assumeTrue(FileOwners.effectiveUid() == 0, "only root can give an entry away");
    Path planted = tree("fabricscope-fsroot-" + DEAD + "-attack");
    Path plantedFile = Files.writeString(base.resolve("fabricscope-import-" + DEAD + "-1.bin"), "");
    for (Path p : List.of(planted.resolve("sys/bus/pci/f"), planted, plantedFile)) {
      Files.setAttribute(p, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);
    }
    aged(planted, 2);
    Path ours = tree("fabricscope-fsroot-" + DEAD + "-ours");

    assertEquals(List.of(ours), sweep());

    assertTrue(Files.exists(planted.resolve("sys/bus/pci/f")), "another user's tree stays whole");
    assertTrue(Files.exists(plantedFile));
    assertFalse(Files.exists(ours, LinkOption.NOFOLLOW_LINKS), "our dead pid's tree goes");
  }

  @Test
  void namesWithoutAPidAreAnEarlierVersionsAndPidsAreRead() {
    assertEquals(-1, UnpackTemps.pidOf("8213901238"));
    assertEquals(42, UnpackTemps.pidOf("42-8213901238"));
    assertEquals(-1, UnpackTemps.pidOf("x-1"));
    assertTrue(UnpackTemps.ownPrefix(UnpackTemps.TREE_PREFIX).endsWith("-"));
  }
}
