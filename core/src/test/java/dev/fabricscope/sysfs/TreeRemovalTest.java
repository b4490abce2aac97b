package dev.fabricscope.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Removing a tree never follows a link at any level (fifteenth security review, finding 1: a folder
 * swapped for a link after the tree was listed made root delete the file of the same name in the
 * link's target). Many random trees with links at random places and a thread swapping folders for
 * links while they are removed: {@link TreeRemovalGeneratedTest}.
 */
class TreeRemovalTest {

  @TempDir Path tmp;
  private Path victim;

  @BeforeEach
  void victim() throws IOException {
    victim = Files.createDirectories(tmp.resolve("victim"));
    Files.writeString(victim.resolve("important.conf"), "root secret");
    Files.createDirectories(victim.resolve("sub"));
    Files.writeString(victim.resolve("sub/important.conf"), "root secret too");
  }

  private void assertVictimWhole() {
    assertTrue(Files.exists(victim.resolve("important.conf")), "the victim's file");
    assertTrue(Files.exists(victim.resolve("sub/important.conf")), "the victim's deeper file");
  }

  @Test
  void aSubfolderThatIsALinkIsRemovedAsALinkNotFollowed() throws IOException {
    Path tree = Files.createDirectories(tmp.resolve("tree/x/y"));
    Files.writeString(tree.resolve("important.conf"), "ours");
    Files.createSymbolicLink(tmp.resolve("tree/a"), victim);
    Files.createSymbolicLink(tmp.resolve("tree/x/sub"), victim.resolve("sub"));
    Files.createSymbolicLink(tmp.resolve("tree/x/file"), victim.resolve("important.conf"));

    TreeRemoval.delete(tmp.resolve("tree"));

    assertFalse(Files.exists(tmp.resolve("tree"), LinkOption.NOFOLLOW_LINKS));
    assertVictimWhole();
  }

  @Test
  void theTopBeingALinkRemovesOnlyTheLink() throws IOException {
    Path link = Files.createSymbolicLink(tmp.resolve("top"), victim);
    TreeRemoval.delete(link);
    assertFalse(Files.exists(link, LinkOption.NOFOLLOW_LINKS));
    assertVictimWhole();
  }

  /**
   * The review's race, in process: {@code a/important.conf} beside 5,000 files in {@code z/}; once
   * the removal is under way, {@code a} becomes a link to the victim's folder. Both creation
   * orders, so the swap comes before and after {@code a} is reached.
   */
  @Test
  void aFolderSwappedForALinkDuringTheRemovalIsNotFollowed() throws Exception {
    for (int run = 0; run < 4; run++) {
      Path tree = Files.createDirectories(tmp.resolve("race-" + run));
      if (run % 2 == 0) {
        Files.createDirectories(tree.resolve("a"));
      }
      Path z = Files.createDirectories(tree.resolve("z"));
      for (int i = 0; i < 5_000; i++) {
        Files.createFile(z.resolve("f" + i));
      }
      if (run % 2 == 1) {
        Files.createDirectories(tree.resolve("a"));
      }
      Files.writeString(tree.resolve("a/important.conf"), "planted");
      AtomicBoolean swapped = new AtomicBoolean();
      Thread attacker =
          new Thread(
              () -> {
                try {
                  while (Files.exists(z.resolve("f0"))
                      && Files.exists(z.resolve("f4999"))
                      && Files.exists(tree)) {
                    Thread.onSpinWait();
                  }
                  Files.move(tree.resolve("a"), tree.resolve("a.old"));
                  Files.createSymbolicLink(tree.resolve("a"), victim);
                  swapped.set(true);
                } catch (IOException e) {
                  // the tree went first: nothing to swap
                }
              });
      attacker.start();
      TreeRemoval.delete(tree);
      attacker.join(10_000);
      assertVictimWhole();
      TreeRemoval.delete(tree); // what the swap added after the listing
      assertFalse(Files.exists(tree, LinkOption.NOFOLLOW_LINKS), "run " + run);
    }
  }

  /** A folder in the tree that another user owns is not entered, nor is anything in it removed. */
  @Test
  void aFolderOfAnotherUserIsNotEntered() throws IOException {
    assumeTrue(FileOwners.effectiveUid() == 0, "only root can give a folder away");
    Path theirs = Files.createDirectories(tmp.resolve("tree/theirs"));
    Files.writeString(theirs.resolve("keep"), "theirs");
    Files.writeString(tmp.resolve("tree/mine"), "ours");
    Files.setAttribute(theirs, "unix:uid", 65534);

    TreeRemoval.delete(tmp.resolve("tree"));

    assertTrue(Files.exists(theirs.resolve("keep")));
    assertFalse(Files.exists(tmp.resolve("tree/mine")));
  }

  @Test
  void filesDeepTreesAndMissingPathsAreHandled() throws IOException {
    Path f = Files.writeString(tmp.resolve("file"), "x");
    TreeRemoval.delete(f);
    assertFalse(Files.exists(f));
    TreeRemoval.delete(tmp.resolve("no-such-thing")); // no exception
    Path deep = tmp.resolve("deep");
    Path d = deep;
    for (int i = 0; i < 150; i++) {
      d = d.resolve("d");
    }
    Files.createDirectories(d);
    Files.writeString(d.resolve("leaf"), "x");
    TreeRemoval.delete(deep);
    assertFalse(Files.exists(deep), "deeper than any unpacked tree (128) goes whole");
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(1, s.count(), "only the victim's folder is left");
    }
  }
}
