package dev.fabricscope.sysfs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes a folder tree without following a symbolic link at any level (fifteenth security review,
 * finding 1). The earlier removal listed the tree, then deleted each entry by its full path: the
 * kernel resolves every folder of such a path again, so a folder swapped for a link after the
 * listing made root delete a file of the same name wherever the link pointed.
 *
 * <p>Here every folder is opened by its name relative to the already opened folder above it, with
 * {@code O_NOFOLLOW} ({@link SecureDirectoryStream}: {@code openat}, {@code unlinkat} on Linux),
 * and entries are deleted relative to that open folder. A link swapped in anywhere fails to open
 * (it is then removed as the link it is, never followed), and an open folder stays the same folder
 * whatever is renamed around it. A folder that is not this process's user's is not entered: no tree
 * this code removes holds one, so meeting one means someone else put it there. Where the file
 * system offers no {@code SecureDirectoryStream} (not Linux), a walk that follows no links and
 * deletes by path is the best there is.
 */
public final class TreeRemoval {

  /**
   * Folders entered at most below the top: twice {@code ArchivePlan.MAX_DEPTH}, so any unpacked
   * tree goes whole while a planted deeper one costs a bounded number of open folders.
   */
  static final int MAX_DEPTH = 256;

  private TreeRemoval() {}

  /** Removes {@code path} (a folder tree, a file or a link: the link itself); best effort. */
  public static void delete(Path path) {
    Path abs = path.toAbsolutePath();
    Path parent = abs.getParent();
    Path name = abs.getFileName();
    if (parent == null || name == null) {
      return; // "/" is never a tree to remove
    }
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(parent)) {
      if (dir instanceof SecureDirectoryStream<Path> secure) {
        remove(secure, name, 0);
        return;
      }
    } catch (IOException | RuntimeException e) {
      return; // no parent to open: nothing of it can be removed either
    }
    walkWithoutLinks(abs);
  }

  /** Removes the entry {@code name} of the open folder {@code dir}, depth-first. */
  private static void remove(SecureDirectoryStream<Path> dir, Path name, int depth) {
    BasicFileAttributes a;
    try {
      a =
          dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
              .readAttributes();
    } catch (IOException | RuntimeException e) {
      return; // gone already
    }
    if (!a.isDirectory()) {
      unlink(dir, name, false); // a file or a link: removed as itself
      return;
    }
    if (depth > MAX_DEPTH) {
      return;
    }
    try (SecureDirectoryStream<Path> sub =
        dir.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
      if (!ownFolder(sub)) {
        return;
      }
      // the names first: deleting while reading a folder may skip entries (readdir)
      List<Path> names = new ArrayList<>();
      for (Path p : sub) {
        names.add(p.getFileName());
      }
      for (Path n : names) {
        remove(sub, n, depth + 1);
      }
    } catch (IOException | RuntimeException e) {
      // swapped for a link since it was read (ELOOP), or removed, or unreadable (a
      // DirectoryIteratorException is a RuntimeException): a link is removed as itself
      unlink(dir, name, false);
      return;
    }
    unlink(dir, name, true); // unlinkat(AT_REMOVEDIR) of a link fails: nothing is followed
  }

  private static void unlink(SecureDirectoryStream<Path> dir, Path name, boolean folder) {
    try {
      if (folder) {
        dir.deleteDirectory(name);
      } else {
        dir.deleteFile(name);
      }
    } catch (IOException | RuntimeException e) {
      // best effort: what cannot be removed stays (a folder swapped in, a full folder)
    }
  }

  /** Whether an open folder belongs to this process's user (read from the open folder). */
  private static boolean ownFolder(SecureDirectoryStream<Path> folder) throws IOException {
    UserPrincipal self = FileOwners.self();
    if (self == null) {
      return true; // the uid is unknown here: nothing to compare with
    }
    PosixFileAttributeView v = folder.getFileAttributeView(PosixFileAttributeView.class);
    return v == null || self.equals(v.readAttributes().owner());
  }

  /** Without {@code SecureDirectoryStream}: a walk that never follows links, deleting by path. */
  private static void walkWithoutLinks(Path top) {
    try {
      Files.walkFileTree(
          top,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              deleteQuietly(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) {
              deleteQuietly(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException | RuntimeException e) {
      // best effort
    }
  }

  private static void deleteQuietly(Path p) {
    // the folder above is checked again right before: a link there is not passed through
    if (Files.isSymbolicLink(p.getParent())) {
      return;
    }
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // best effort
    }
  }
}
