package dev.fabricscope.agent.run;

import dev.fabricscope.sysfs.FileOwners;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The folders of a spool ({@code run --spool DIR} and its {@code rejected/}) are this agent's
 * alone, as ssh holds {@code ~/.ssh} (twelfth security review): a folder another user could write
 * let that user plant links, and the agent, often root, followed them: it posted a root-only file
 * to the server as a report, created its lock file anywhere, and pruned any folder's {@code *.json}
 * as "rejected" reports. A folder is refused unless it is a folder itself (not a link), belongs to
 * this process's user, and neither its group nor others may write it; one the agent creates gets
 * mode 0700. On a file system without POSIX permissions there is nothing to hold it to.
 */
final class SpoolFolder {

  private SpoolFolder() {}

  /** Creates {@code dir} (mode 0700) unless it exists, then {@link #check}s it. */
  static Path prepare(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      try {
        Files.createDirectories(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (UnsupportedOperationException notPosix) {
        Files.createDirectories(dir);
      }
    }
    check(dir);
    return dir;
  }

  /** Refuses a folder others could plant files or links in, naming why and the fix. */
  static void check(Path dir) throws IOException {
    if (Files.isSymbolicLink(dir)) {
      throw new IOException(dir + " is a symbolic link; give the folder itself");
    }
    PosixFileAttributes a;
    try {
      a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException notPosix) {
      return;
    }
    if (!a.isDirectory()) {
      throw new IOException(dir + " is not a folder");
    }
    long owner = FileOwners.uid(dir);
    long self = FileOwners.effectiveUid();
    if (self >= 0 && owner != self) {
      throw new IOException(
          dir + " belongs to uid " + owner + ", not to this agent's user (uid " + self + ")");
    }
    Set<PosixFilePermission> mode = a.permissions();
    if (mode.contains(PosixFilePermission.GROUP_WRITE)
        || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
      throw new IOException(
          dir
              + " may be written by other users ("
              + PosixFilePermissions.toString(mode)
              + "); chmod go-w it, or give a folder of this agent's own");
    }
  }
}
