package dev.fabricscope.sysfs;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds where a host path lies below a directory root (on the live {@code /} the kernel's own
 * resolution is taken as it is), walking it one component at a time as the kernel would
 * (path_resolution(7)) but never letting the operating system follow a link: each link's text is
 * read and walked here, so a link that leaves the root — absolute, or with more {@code ..} than it
 * has folders above it — is refused instead of followed. The same rules as {@link LinkResolver}
 * applies to archives, on disk instead of on a plan.
 *
 * <p>The path given back has no link among its folders, so opening it does not leave the root
 * unless someone changes the tree while it is read: the open resolves the whole path again and
 * follows a folder swapped for a link meanwhile. So a tree must hold still; an agent running as
 * root reads only trees no other user can change ({@link TreeGuard}, sixteenth security review,
 * finding 1).
 */
final class RootWalk {

  /** The outcome: a path to use, or why there is none. */
  record Place(Path path, String problem, String refusedLink) {
    boolean ok() {
      return path != null;
    }

    /** Whether nothing is there (not a refusal: no diagnostic beyond "missing"). */
    boolean missing() {
      return path == null && refusedLink == null && MISSING.equals(problem);
    }
  }

  static final String MISSING = "missing";

  private static final Place NOT_THERE = new Place(null, MISSING, null);

  /** One component still to walk, and the link whose text it came from (null: the path asked). */
  private record Step(String name, String viaLink) {}

  private final Path root;
  private final boolean live;
  private final Map<String, String> refused = new ConcurrentHashMap<>();

  /**
   * @param root the directory that stands for {@code /}
   * @param live whether it is the running system's own {@code /}, where the kernel's resolution is
   *     the truth and nothing is walked here
   */
  RootWalk(Path root, boolean live) {
    this.root = root;
    this.live = live;
  }

  /**
   * @param path an absolute host path ({@code /sys/bus/pci/devices/0000:00:01.0/config})
   * @param followLast whether a link in the last component is followed too
   */
  Place locate(String path, boolean followLast) {
    Place p;
    try {
      if (live) {
        return new Place(path.equals("/") ? root : root.resolve(path.substring(1)), null, null);
      }
      p = walk(path, followLast);
    } catch (InvalidPathException e) {
      return new Place(null, unnamable(path), null);
    }
    if (p.refusedLink() != null) {
      refused.putIfAbsent(p.refusedLink(), p.problem());
    }
    return p;
  }

  /**
   * Records a path this JVM cannot turn into a file name, reported with the refused links, and says
   * why (fourteenth security review, finding 3): without a UTF-8 locale the JVM's file name
   * encoding is ASCII, and one non-ASCII interface name, which Linux allows, stopped every
   * discovery with an InvalidPathException. Such an entry is skipped as an unreadable file is.
   */
  String unnamable(String path) {
    String why = FileNames.UNUSABLE + ": skipped";
    refused.putIfAbsent(path, why);
    return why;
  }

  /** The links refused and the names skipped since the last call, path to why, sorted. */
  Map<String, String> takeRefused() {
    Map<String, String> out = new TreeMap<>();
    for (var it = refused.entrySet().iterator(); it.hasNext(); it.remove()) {
      var e = it.next();
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  private Place walk(String path, boolean followLast) {
    Deque<Step> todo = new ArrayDeque<>();
    push(todo, path, null);
    List<String> at = new ArrayList<>();
    int follows = 0;
    while (!todo.isEmpty()) {
      Step s = todo.pollFirst();
      if (s.name().equals("..")) {
        if (at.isEmpty()) {
          return leaves(s.viaLink() == null ? path : s.viaLink());
        }
        at.remove(at.size() - 1);
        continue;
      }
      boolean last = todo.isEmpty();
      at.add(s.name());
      if (last && !followLast) {
        break;
      }
      Path p = root.resolve(String.join("/", at));
      BasicFileAttributes a;
      try {
        a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        return NOT_THERE;
      } catch (AccessDeniedException e) {
        return new Place(null, "permission denied", null);
      } catch (IOException e) {
        // ENOTDIR (a file used as a folder) ends the walk as the kernel's ENOENT would
        String why = String.valueOf(e.getMessage());
        return why.contains("Not a directory")
            ? NOT_THERE
            : new Place(null, "read error: " + why, null);
      }
      if (a.isSymbolicLink()) {
        String link = "/" + String.join("/", at);
        String text;
        try {
          text = Files.readSymbolicLink(p).toString();
        } catch (IOException e) {
          return new Place(null, "read error: link " + link + ": " + e.getMessage(), null);
        }
        if (++follows > LinkResolver.MAX_LINK_FOLLOWS) {
          return new Place(
              null,
              "more than " + LinkResolver.MAX_LINK_FOLLOWS + " links to follow at " + link,
              link);
        }
        if (text.startsWith("/")) {
          // the model of the whole package: absolute link texts name the host's /, never the root
          return leaves(link);
        }
        // the kernel replaces the link by its text, read from the link's own folder
        at.remove(at.size() - 1);
        push(todo, text, link);
      } else if (!last && !a.isDirectory()) {
        return NOT_THERE;
      }
    }
    return new Place(at.isEmpty() ? root : root.resolve(String.join("/", at)), null, null);
  }

  private static Place leaves(String link) {
    return new Place(null, "link " + link + " leaves the root: not followed", link);
  }

  /** Puts a path's (or link text's) components in front of the work list. */
  private static void push(Deque<Step> todo, String text, String viaLink) {
    String[] parts = text.split("/");
    for (int i = parts.length - 1; i >= 0; i--) {
      if (!parts[i].isEmpty() && !parts[i].equals(".")) {
        todo.addFirst(new Step(parts[i], viaLink));
      }
    }
  }
}
