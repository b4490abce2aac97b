package dev.fabricscope.sysfs;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The folder of this process's user that archives are unpacked in and leftovers are swept from
 * (fifteenth security review, finding 1). The default base, {@code /dev/shm}, is written by every
 * user; sweeping it let anyone plant a "leftover" for root to remove. A base that is already this
 * user's alone (owned by the user, neither group nor others may write it: a {@code
 * FABRICSCOPE_TMPDIR} of one's own, a test's temporary folder) is used, as its real path. Any other
 * gets a subfolder {@code fabricscope-unpack-UID}, created with mode 0700 and held to the same
 * rules, as the agent's spool folder is: one that is a link, another user's or writable by others
 * is refused, so another user can at most make the unpacking fail, never direct it. A base is
 * judged as the real folder it names (a link such as {@code /dev/shm -> /run/shm} is resolved
 * first), and one of another user's is refused unless root owns it with the sticky bit, as {@code
 * /dev/shm} and {@code /tmp}: its owner could rename our subfolder whatever its mode (sixteenth
 * security review, finding 3).
 */
public final class UnpackFolder {

  /** The start of the per-user subfolder's name; the effective uid follows. */
  public static final String PREFIX = "fabricscope-unpack-";

  private UnpackFolder() {}

  /**
   * {@code base} when it is this user's alone, else its subfolder of this user's (created when
   * missing).
   *
   * @throws IOException naming why when the subfolder cannot be made or is not this user's alone
   */
  public static Path of(Path base) throws IOException {
    long self = FileOwners.effectiveUid();
    if (!Files.isDirectory(base)) {
      return base; // the unpacking says it cannot create its folder there, naming the base
    }
    if (self < 0) {
      return base; // no uid to hold it to (not Linux)
    }
    // the real folder is judged, not a link to it: a link's own mode reads 0777, so a base such as
    // /dev/shm -> /run/shm was always refused as "written by others without a sticky bit"
    // (sixteenth security review, finding 3)
    base = base.toRealPath();
    if (problem(base, self) == null) {
      return base; // private already
    }
    long owner = FileOwners.uid(base);
    if (owner != self && (owner != 0 || !sticky(base))) {
      // the owner of a folder may rename its entries, sticky bit or not: another user's base let
      // them swap our checked subfolder for a link to a folder of their choice before root unpacked
      // into it (sixteenth security review, finding 3). Root's sticky /dev/shm and /tmp stay.
      throw new IOException(
          "unpack folder base "
              + base
              + " belongs to uid "
              + owner
              + ", neither this user (uid "
              + self
              + ") nor root with the sticky bit; set FABRICSCOPE_TMPDIR to a folder of this"
              + " user's own");
    }
    if (sharedWithoutSticky(base)) {
      // another user could rename the checked subfolder away and put a link in its place before
      // the unpacking uses it; the sticky bit (as /dev/shm and /tmp have) forbids that
      throw new IOException(
          "unpack folder base "
              + base
              + " may be written by other users and has no sticky bit; set FABRICSCOPE_TMPDIR to"
              + " a folder of this user's own");
    }
    Path own = base.resolve(PREFIX + self);
    if (!Files.exists(own, LinkOption.NOFOLLOW_LINKS)) {
      try {
        Files.createDirectory(
            own,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (FileAlreadyExistsException raced) {
        // made meanwhile, perhaps by someone else: the check below decides
      }
    }
    String why = problem(own, self);
    if (why != null) {
      throw new IOException(
          "unpack folder "
              + own
              + " "
              + why
              + "; remove it, or set FABRICSCOPE_TMPDIR to a folder"
              + " of this user's own");
    }
    return own;
  }

  /** Whether group or others may write {@code base} and it lacks the sticky bit. */
  static boolean sharedWithoutSticky(Path base) throws IOException {
    int mode = mode(base);
    return mode >= 0 && (mode & 0022) != 0 && (mode & 01000) == 0;
  }

  private static boolean sticky(Path base) throws IOException {
    int mode = mode(base);
    return mode < 0 || (mode & 01000) != 0;
  }

  /** The mode bits of {@code p} itself; -1 where the file system has none. */
  private static int mode(Path p) throws IOException {
    try {
      return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException | IllegalArgumentException notUnix) {
      return -1; // nothing to hold it to
    }
  }

  /** Why {@code dir} is not this user's alone, or null when it is. */
  static String problem(Path dir, long self) throws IOException {
    PosixFileAttributes a;
    try {
      a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException notPosix) {
      return null; // nothing to hold it to
    }
    if (a.isSymbolicLink()) {
      return "is a symbolic link";
    }
    if (!a.isDirectory()) {
      return "is not a folder";
    }
    long owner = FileOwners.uid(dir);
    if (owner != self) {
      return "belongs to uid " + owner + ", not to this user (uid " + self + ")";
    }
    Set<PosixFilePermission> mode = a.permissions();
    if (mode.contains(PosixFilePermission.GROUP_WRITE)
        || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
      return "may be written by other users (" + PosixFilePermissions.toString(mode) + ")";
    }
    return null;
  }
}
