package dev.fabricscope.agent.bandwidth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fabricscope.sysfs.FileOwners;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent running as root runs only helpers that no other user could have put in its way
 * (fourteenth security review: a stand-in iperf3 of user nobody, in a world-writable folder on
 * PATH, ran as root); other users run what they find.
 */
class ExecutableFinderTest {

  @TempDir Path tmp;

  private Path helper(String dir, String dirMode, String fileMode) throws Exception {
    Path d = Files.createDirectories(tmp.resolve(dir));
    Path f = d.resolve("iperf3");
    Files.writeString(f, "#!/bin/sh\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(fileMode));
    Files.setPosixFilePermissions(d, PosixFilePermissions.fromString(dirMode));
    return d;
  }

  /** What root may run: owned by root, and neither file nor folder writable by group or others. */
  static boolean expected(Path d, String dirMode, String fileMode) throws Exception {
    boolean rootsOwn = FileOwners.uid(d) == 0 && FileOwners.uid(d.resolve("iperf3")) == 0;
    return rootsOwn && !writableByOthers(dirMode) && !writableByOthers(fileMode);
  }

  static boolean writableByOthers(String mode) {
    Set<PosixFilePermission> p = PosixFilePermissions.fromString(mode);
    return p.contains(PosixFilePermission.GROUP_WRITE)
        || p.contains(PosixFilePermission.OTHERS_WRITE);
  }

  @Test
  void rootSkipsHelpersOthersCouldHaveWritten() throws Exception {
    String[][] cases = {
      {"safe", "rwxr-xr-x", "rwxr-xr-x"},
      {"world-dir", "rwxrwxrwx", "rwxr-xr-x"},
      {"group-dir", "rwxrwxr-x", "rwxr-xr-x"},
      {"world-file", "rwxr-xr-x", "rwxrwxrwx"},
      {"group-file", "rwxr-xr-x", "rwxrwxr-x"},
    };
    for (String[] c : cases) {
      Path d = helper(c[0], c[1], c[2]);
      Optional<Path> asRoot = new ExecutableFinder(List.of(d), 0).find("iperf3");
      assertEquals(expected(d, c[1], c[2]), asRoot.isPresent(), c[0]);
      // another user runs what it finds: the folder and the program are its own business
      assertEquals(
          Optional.of(d.resolve("iperf3")),
          new ExecutableFinder(List.of(d), 1000).find("iperf3"),
          c[0]);
    }
  }

  /** A link in a world-writable folder to a safe program is skipped: the link can be swapped. */
  @Test
  void aLinkInAFolderOthersWriteIsSkipped() throws Exception {
    Path safe = helper("real", "rwxr-xr-x", "rwxr-xr-x");
    Path open = Files.createDirectories(tmp.resolve("open"));
    Files.createSymbolicLink(open.resolve("iperf3"), safe.resolve("iperf3"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertEquals(Optional.empty(), new ExecutableFinder(List.of(open), 0).find("iperf3"));
  }

  /** Generated modes of folder and program: root takes exactly the ones no one else may write. */
  @Test
  void generatedModes() throws Exception {
    Random random = new Random(14);
    for (int i = 0; i < 64; i++) {
      String dirMode = PosixFilePermissions.toString(mode(random, true));
      String fileMode = PosixFilePermissions.toString(mode(random, false));
      Path d = helper("gen-" + i, dirMode, fileMode);
      assertEquals(
          expected(d, dirMode, fileMode),
          new ExecutableFinder(List.of(d), 0).find("iperf3").isPresent(),
          dirMode + " " + fileMode);
    }
  }

  /** A random mode that lets its owner use it (read and run; a folder also written). */
  static Set<PosixFilePermission> mode(Random random, boolean folder) {
    Set<PosixFilePermission> p =
        PosixFilePermissions.fromString(folder ? "rwx------" : "r-x------");
    for (PosixFilePermission x :
        List.of(
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_EXECUTE)) {
      if (random.nextBoolean()) {
        p.add(x);
      }
    }
    return p;
  }
}
