package dev.fabricscope.agent.bandwidth;

import static dev.fabricscope.testing.FileModes.chmod;
import static dev.fabricscope.testing.FileModes.owner;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fabricscope.sysfs.FileOwners;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Root runs a helper only when no other user could rename any folder on its way, from the program
 * up to {@code /}, and runs the real path it checked, not the name again (sixteenth security
 * review, finding 2): a user who owned a folder above root's checked {@code bin} swapped it with a
 * folder of their own between the check and the {@code exec}.
 */
class ExecutableFinderAncestorsTest {

  private static final int NOBODY = 65534;

  @TempDir Path tmp;

  @BeforeEach
  void asRoot() {
    assumeTrue(FileOwners.effectiveUid() == 0, "only root can give a folder away");
  }

  private static Path program(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path f = Files.writeString(dir.resolve("iperf3"), "#!/bin/sh\n");
    chmod(f, "0755");
    return f;
  }

  private static Optional<Path> asRoot(Path dir) {
    return new ExecutableFinder(List.of(dir), 0).find("iperf3");
  }

  /** The reviewer's layout: root's bin, root's program, in a folder of nobody's. */
  @Test
  void aFolderAboveOfAnotherUserIsRefused() throws IOException {
    Path home = Files.createDirectory(tmp.resolve("home"));
    Path bin = home.resolve("bin");
    Path f = program(bin);
    assertEquals(Optional.of(f), asRoot(bin), "all root's: taken");
    owner(home, NOBODY);
    assertEquals(Optional.empty(), asRoot(bin), "nobody may rename bin away");
  }

  /** A folder above that others may write is refused, unless it has the sticky bit. */
  @Test
  void aSharedFolderAboveNeedsTheStickyBit() throws IOException {
    Path shared = Files.createDirectory(tmp.resolve("shared"));
    Path bin = shared.resolve("bin");
    Path f = program(bin);
    for (String mode : new String[] {"0777", "0775", "0757"}) {
      chmod(shared, mode);
      assertEquals(Optional.empty(), asRoot(bin), mode);
    }
    chmod(shared, "1777"); // as /tmp: no one else may rename root's bin in it
    assertEquals(Optional.of(f), asRoot(bin));
    chmod(bin, "1777"); // the program's own folder: no exception, the program could be replaced
    assertEquals(Optional.empty(), asRoot(bin));
  }

  /**
   * The checked real path is what runs: found through a link to a folder, the program's real path
   * is returned, and pointing the link elsewhere afterwards (the swap between the check and the
   * exec, done here deterministically) does not change what that path names.
   */
  @Test
  void theRealPathIsRunNotTheName() throws IOException {
    Path real = program(tmp.resolve("real"));
    Path evil = program(tmp.resolve("evil"));
    Files.writeString(evil, "#!/bin/sh\nid > pwned\n");
    Path link = Files.createSymbolicLink(tmp.resolve("bin"), tmp.resolve("real"));

    Optional<Path> found = asRoot(link);

    assertEquals(Optional.of(real), found);
    Path swapped = Files.createSymbolicLink(tmp.resolve("bin.new"), tmp.resolve("evil"));
    Files.move(swapped, link, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    assertEquals("#!/bin/sh\n", Files.readString(found.get()), "still the checked program");
  }

  /**
   * Generated chains of folders above the program, each root's or nobody's, with random modes: root
   * takes the program exactly when every folder above is root's and not writable by group or others
   * (or sticky), and the program's folder is root's and not writable at all.
   */
  @Test
  void generatedChainsOfFolders() throws IOException {
    Random random = new Random(16);
    String[] modes = {"0755", "0700", "0775", "0757", "0777", "1777", "1755", "0711"};
    for (int i = 0; i < 48; i++) {
      int depth = 1 + random.nextInt(4);
      List<Path> chain = new ArrayList<>();
      Path d = tmp.resolve("gen-" + i);
      for (int k = 0; k < depth; k++) {
        d = d.resolve("d" + k);
        chain.add(d);
      }
      program(d);
      boolean expected = true;
      StringBuilder what = new StringBuilder();
      for (int k = 0; k < depth; k++) {
        Path p = chain.get(k);
        String mode = modes[random.nextInt(modes.length)];
        boolean nobody = random.nextInt(6) == 0;
        chmod(p, mode);
        if (nobody) {
          owner(p, NOBODY);
        }
        int bits = Integer.parseInt(mode, 8);
        boolean writable = (bits & 0022) != 0;
        boolean sticky = (bits & 01000) != 0;
        boolean last = k == depth - 1;
        expected &= !nobody && (!writable || (!last && sticky));
        what.append(p.getFileName()).append(':').append(mode).append(nobody ? "/nobody " : " ");
      }
      // the first folder of the chain sits in tmp (root's, 0700): always fine
      assertEquals(expected, asRoot(d).isPresent(), what.toString());
    }
  }
}
