package dev.fabricscope.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated trees with links at random places (to the victim's folders and files, to the tree's own
 * folders, to {@code ..}), removed while a second thread keeps swapping random folders of the tree
 * for links to the victim's folders (fifteenth security review, finding 1): nothing outside the
 * tree is ever deleted, and the tree goes whole.
 */
class TreeRemovalGeneratedTest {

  private static final int TREES = 60;

  @TempDir Path tmp;

  @Test
  void nothingOutsideTheTreeIsEverDeleted() throws Exception {
    Path victim = Files.createDirectories(tmp.resolve("victim"));
    List<Path> victimDirs = new ArrayList<>(List.of(victim));
    for (String d : new String[] {"a", "b", "a/c", "z"}) {
      victimDirs.add(Files.createDirectories(victim.resolve(d)));
    }
    for (Path d : List.copyOf(victimDirs)) {
      for (String f : new String[] {"f0", "f1", "important.conf", "a"}) {
        if (!Files.exists(d.resolve(f))) {
          Files.writeString(d.resolve(f), "victim " + f);
        }
      }
    }
    Map<String, String> before = snapshot(victim);
    Random rnd = new Random(15_1);
    for (int t = 0; t < TREES; t++) {
      Path tree = tmp.resolve("tree-" + t);
      List<Path> dirs = new ArrayList<>();
      build(tree, 0, rnd, victimDirs, dirs);
      AtomicBoolean done = new AtomicBoolean();
      long seed = rnd.nextLong();
      Thread swapper = new Thread(() -> swapWhileRemoved(dirs, victimDirs, new Random(seed), done));
      swapper.start();
      TreeRemoval.delete(tree);
      done.set(true);
      swapper.join(10_000);
      TreeRemoval.delete(tree); // what the swaps put in after the listing
      assertEquals(before, snapshot(victim), "tree " + t);
      assertFalse(Files.exists(tree, LinkOption.NOFOLLOW_LINKS), "tree " + t + " goes whole");
    }
  }

  /** A random folder: files named like the victim's, subfolders, links of every kind. */
  private static void build(Path dir, int depth, Random rnd, List<Path> victims, List<Path> dirs)
      throws IOException {
    Files.createDirectories(dir);
    dirs.add(dir);
    int entries = 1 + rnd.nextInt(8);
    for (int i = 0; i < entries; i++) {
      String name = rnd.nextBoolean() ? "important.conf" + i : "f" + i;
      Path p = dir.resolve(i == 0 ? "a" : name);
      if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      switch (rnd.nextInt(6)) {
        case 0, 1 -> Files.writeString(p, "tree");
        case 2 -> {
          if (depth < 5) {
            build(p, depth + 1, rnd, victims, dirs);
          } else {
            Files.createFile(p);
          }
        }
        case 3 -> Files.createSymbolicLink(p, victims.get(rnd.nextInt(victims.size())));
        case 4 -> {
          Path v = victims.get(rnd.nextInt(victims.size()));
          Files.createSymbolicLink(p, v.resolve("important.conf"));
        }
        default -> Files.createSymbolicLink(p, Path.of(rnd.nextBoolean() ? ".." : "../.."));
      }
    }
  }

  /** Renames random folders of the tree away and puts a link to the victim in their place. */
  private static void swapWhileRemoved(
      List<Path> dirs, List<Path> victims, Random rnd, AtomicBoolean done) {
    if (dirs.size() < 2) {
      return;
    }
    int n = 0;
    while (!done.get() && n < 200) {
      Path d = dirs.get(1 + rnd.nextInt(dirs.size() - 1)); // not the top: it stays where it is
      if (underALink(dirs.get(0), d)) {
        continue; // the swap would act in the victim's folder itself, which no attacker can write
      }
      try {
        Files.move(d, d.resolveSibling(d.getFileName() + ".old" + n++));
        Files.createSymbolicLink(d, victims.get(rnd.nextInt(victims.size())));
      } catch (IOException | RuntimeException e) {
        // removed already, or its parent is: try another
      }
    }
  }

  /** Whether a folder between {@code top} and {@code d} is a link (only this thread makes them). */
  private static boolean underALink(Path top, Path d) {
    for (Path p = d.getParent(); p != null && p.startsWith(top); p = p.getParent()) {
      if (Files.isSymbolicLink(p)) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, String> snapshot(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.toList()) {
        out.put(root.relativize(p).toString(), Files.isDirectory(p) ? "/" : Files.readString(p));
      }
    }
    return out;
  }
}
