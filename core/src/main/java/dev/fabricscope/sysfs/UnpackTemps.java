package dev.fabricscope.sysfs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * The names of the temporary trees ({@code fabricscope-fsroot-PID-*}) and staged uploads ({@code
 * fabricscope-import-PID-*.bin}) that importing creates under a temp base, and the removal at start
 * of those an earlier process left.
 *
 * <p>Both are removed by the code that made them ({@code finally}), but not when the JVM exits
 * mid-import (a SIGTERM during a long discovery, a kill, an OutOfMemoryError): each such import
 * left up to its unpack limit behind, in {@code /dev/shm} (RAM) or in a pod's emptyDir, which
 * outlives a container restart. The process id in the name tells another live server's trees (two
 * servers on one host share {@code /dev/shm}) from an earlier run's: pids restart at 1 in a
 * container, so our own pid on an entry older than our start is an earlier run's too. That also
 * means a folder shared by servers in different pid namespaces (two containers on one volume) is
 * not supported: give each its own, as the chart's emptyDir per pod does. Names without a pid come
 * from versions before pids were added, whose live imports cannot be told apart: they are removed
 * only once {@link #UNNAMED_GRACE} older than the start.
 *
 * <p>The base may be a folder every user can write ({@code /dev/shm}): anyone can create an entry
 * of such a name there, backdated, with a tree made to be swapped for links while it is removed
 * (fifteenth security review, finding 1: root deleted any file). So only entries this process's
 * user owns are leftovers, and they are removed relative to open folders, never through a link
 * ({@link TreeRemoval}). The agent also unpacks into a folder of its user's own ({@link
 * UnpackFolder}), so that nothing of another user's is even looked at.
 */
public final class UnpackTemps {

  /** Start of every unpacked tree's folder name. */
  public static final String TREE_PREFIX = "fabricscope-fsroot-";

  /** Start and end of every staged upload's file name. */
  public static final String STAGED_PREFIX = "fabricscope-import-";

  public static final String STAGED_SUFFIX = ".bin";

  /**
   * The start of the server's copies of its bundled demo archives ({@code PID-RANDOM-archive}),
   * removed like the trees when a crash left them (thirteenth security review: seven were left).
   */
  public static final String DEMO_PREFIX = "fabricscope-demo-copy-";

  /**
   * How much older than the start a leftover without a pid in its name must be: far longer than an
   * import takes, so an older server sharing the folder keeps the one it is reading.
   */
  public static final Duration UNNAMED_GRACE = Duration.ofHours(1);

  private UnpackTemps() {}

  /** The prefix for a new temporary name of this process: {@code prefix + pid + "-"}. */
  public static String ownPrefix(String prefix) {
    return prefix + ProcessHandle.current().pid() + "-";
  }

  /**
   * Removes the leftovers of earlier processes directly in {@code base}: trees and staged uploads
   * (by name) whose own modification time is before {@code processStart} and whose name carries
   * this process's pid or the pid of a process no longer alive, or that carry no pid and are {@link
   * #UNNAMED_GRACE} older, and that this process's user owns. Symlinks are removed as links (their
   * targets are never touched) and trees are removed without following links at any level ({@link
   * TreeRemoval}). Unrelated names, newer entries, entries of another live process and entries of
   * another user stay.
   *
   * @param alive whether a process id names a running process ({@code ProcessHandle.of(pid)})
   * @return the paths removed
   */
  public static List<Path> removeLeftovers(
      Path base, Instant processStart, long ownPid, LongPredicate alive) throws IOException {
    List<Path> removed = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(base)) {
      for (Path p : dir) {
        if (isLeftover(p, processStart, ownPid, alive)) {
          // opened relative to the base, never through a link; a link is removed as itself
          TreeRemoval.delete(p);
          if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            removed.add(p);
          }
        }
      }
    }
    return removed;
  }

  /** Removes leftovers of earlier processes, judging liveness by {@link ProcessHandle}. */
  public static List<Path> removeLeftovers(Path base, Instant processStart) throws IOException {
    return removeLeftovers(
        base,
        processStart,
        ProcessHandle.current().pid(),
        pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
  }

  private static boolean isLeftover(
      Path p, Instant processStart, long ownPid, LongPredicate alive) {
    String name = p.getFileName().toString();
    String rest;
    if (name.startsWith(TREE_PREFIX)) {
      rest = name.substring(TREE_PREFIX.length());
    } else if (name.startsWith(STAGED_PREFIX) && name.endsWith(STAGED_SUFFIX)) {
      rest = name.substring(STAGED_PREFIX.length(), name.length() - STAGED_SUFFIX.length());
    } else if (name.startsWith(DEMO_PREFIX)) {
      rest = name.substring(DEMO_PREFIX.length());
    } else {
      return false;
    }
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return false; // gone already, or not ours to read
    }
    if (!ownedBySelf(p)) {
      return false; // another user's: planted, or theirs to remove
    }
    Instant modified = a.lastModifiedTime().toInstant();
    long pid = pidOf(rest);
    if (pid < 0) {
      return modified.isBefore(processStart.minus(UNNAMED_GRACE));
    }
    return modified.isBefore(processStart) && (pid == ownPid || !alive.test(pid));
  }

  /** Whether this process's user owns {@code p} itself (true where the uid cannot be read). */
  private static boolean ownedBySelf(Path p) {
    long self = FileOwners.effectiveUid();
    if (self < 0) {
      return true;
    }
    try {
      return FileOwners.uid(p) == self;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** The pid of {@code PID-RANDOM}; -1 for names without one (written before pids were added). */
  static long pidOf(String rest) {
    int dash = rest.indexOf('-');
    if (dash <= 0) {
      return -1;
    }
    try {
      return Long.parseLong(rest.substring(0, dash));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
