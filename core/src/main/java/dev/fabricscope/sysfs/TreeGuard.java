package dev.fabricscope.sysfs;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Refuses, for an agent running as root, a directory tree ({@code --fsroot DIR}, {@code --input
 * DIR}) that another user could change while it is read (sixteenth security review, finding 1).
 * {@link RootWalk} checks every component of a path without following links, but the read then
 * opens the whole path again ({@link FileReads}): a folder swapped for a link in between was
 * followed, and root put a root-only file of the link's choosing into a gather archive; a FIFO
 * swapped in for a file blocks the open. Java opens no file relative to an open folder without
 * blocking on a FIFO ({@code O_NONBLOCK} is not among its options), and reading every file relative
 * to a chain of open folders would multiply discovery's opens, so a tree is read by path only when
 * no one but root (or this user) can rename anything in it: the tree's folders must all be root's
 * or this user's and writable by no group or other user, and every folder above it up to {@code /}
 * root's or this user's and not writable by others unless it has the sticky bit (as {@code /tmp}:
 * no one else may rename the tree's top in it). Links are not followed by this check; those inside
 * the tree lead to folders it checked, and those that leave are refused by {@link RootWalk} anyway.
 * A user's tree is read by root once root has copied it, or by that user.
 */
public final class TreeGuard {

  /** Folders checked at most below the top, as {@link TreeRemoval} enters (sysfs: about 20). */
  static final int MAX_DEPTH = TreeRemoval.MAX_DEPTH;

  private TreeGuard() {}

  /**
   * The path to read the tree {@code dir} through: for root, its real path, once checked; {@code
   * dir} itself for other users (they read what they can read anyway). {@code /}, the live host, is
   * not walked.
   *
   * @throws IOException naming the folder and why, when this process runs as root and {@code dir}
   *     is a tree another user could change
   */
  public static Path check(Path dir) throws IOException {
    if (FileOwners.effectiveUid() != 0) {
      return dir;
    }
    // the tree is read through the path that was checked: a link on the way there (a user's
    // link to a tree of root's) could be pointed elsewhere once the check passed
    Path top = dir.toRealPath();
    String why = problem(top, 0, TreeGuard::isKernelMount);
    if (why != null) {
      throw new IOException(why);
    }
    return top;
  }

  /**
   * The kernel's own file systems, where no user can make a link or rename a folder whoever owns
   * it: {@code /proc/PID} of another user's process is that user's. The chart's privileged agent
   * reads {@code --fsroot /host}, the node's {@code /sys} and {@code /proc} mounted there.
   */
  static final Set<String> KERNEL_FILE_SYSTEMS =
      Set.of(
          "proc",
          "sysfs",
          "cgroup",
          "cgroup2",
          "debugfs",
          "tracefs",
          "securityfs",
          "configfs",
          "bpf",
          "pstore",
          "efivarfs");

  /** Whether {@code d} is the top of a mount of one of {@link #KERNEL_FILE_SYSTEMS}. */
  static boolean isKernelMount(Path d) {
    try {
      Path parent = d.getParent();
      if (parent == null
          || Files.getAttribute(d, "unix:dev", LinkOption.NOFOLLOW_LINKS)
              .equals(Files.getAttribute(parent, "unix:dev", LinkOption.NOFOLLOW_LINKS))) {
        return false; // no mount point: the parent's file system goes on
      }
      return KERNEL_FILE_SYSTEMS.contains(Files.getFileStore(d).type());
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false; // not known to be the kernel's: checked as any folder
    }
  }

  /** {@link #problem(Path, long, Predicate)} with the kernel's mounts as they are. */
  static String problem(Path dir, long self) throws IOException {
    return problem(dir, self, TreeGuard::isKernelMount);
  }

  /**
   * Why user {@code self} must not read the tree {@code dir} (judged where it really is) by path,
   * or null when it may; the folders {@code kernelMount} names are not entered.
   */
  static String problem(Path dir, long self, Predicate<Path> kernelMount) throws IOException {
    Path top = dir.toRealPath();
    if (top.getParent() == null) {
      return null; // the live host: the kernel's own tree
    }
    for (Path up = top.getParent(); up != null; up = up.getParent()) {
      String why = folderProblem(up, self, true);
      if (why != null) {
        return "the folder " + up + " above the tree " + why + TAIL;
      }
    }
    String[] found = new String[1];
    Files.walkFileTree(
        top,
        EnumSet.noneOf(FileVisitOption.class), // links are not followed
        MAX_DEPTH,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a)
              throws IOException {
            if (kernelMount.test(d)) {
              return FileVisitResult.SKIP_SUBTREE; // the kernel's: nothing in it can be swapped
            }
            String why = folderProblem(d, self, false);
            if (why == null) {
              return FileVisitResult.CONTINUE;
            }
            found[0] = name(top, d) + " " + why + TAIL;
            return FileVisitResult.TERMINATE;
          }

          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
            if (a.isDirectory()) { // only at the depth limit: its folders are not checked
              found[0] = "folders nested more than " + MAX_DEPTH + " deep cannot be checked";
              return FileVisitResult.TERMINATE;
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path f, IOException e) {
            found[0] = name(top, f) + " cannot be checked: " + e.getMessage();
            return FileVisitResult.TERMINATE;
          }
        });
    return found[0];
  }

  private static final String TAIL =
      ": another user could swap a folder for a link while root reads it; copy the tree to a"
          + " folder of root's, or read it as its owner";

  private static String name(Path top, Path p) {
    return p.equals(top) ? "the tree " + top : "the folder " + p;
  }

  /**
   * Why the folder {@code p} is not safe from other users, or null: it must be root's or {@code
   * self}'s, and neither group nor others may write it ({@code sticky}: unless it has the sticky
   * bit).
   */
  private static String folderProblem(Path p, long self, boolean stickyWritable)
      throws IOException {
    Map<String, Object> a;
    try {
      a = Files.readAttributes(p, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException | IllegalArgumentException notUnix) {
      return null; // nothing to hold it to
    }
    long owner = ((Number) a.get("uid")).longValue();
    int mode = ((Number) a.get("mode")).intValue();
    if (owner != 0 && owner != self) {
      return "belongs to uid " + owner;
    }
    if ((mode & 0022) != 0 && !(stickyWritable && (mode & 01000) != 0)) {
      return "may be written by other users (mode " + Integer.toOctalString(mode & 07777) + ")";
    }
    return null;
  }
}
