package dev.fabricscope.sysfs;

import dev.fabricscope.sysfs.ArchiveExtractor.ArchiveException;
import dev.fabricscope.sysfs.ArchiveExtractor.Limits;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * What an archive would unpack to, built from its headers alone before anything is written: every
 * entry's checked name and kind, the limits, and for every symlink whether the operating system
 * would resolve it inside the extraction folder. {@link ArchiveExtractor} writes only what a
 * complete, accepted plan holds, so a refused archive never writes a byte.
 *
 * <p>Links are judged by their <em>resolution on disk</em>, not their text: {@code x -> d0/l/../..}
 * with {@code d0/l -> ../..} leaves the folder although its text does not, because the kernel
 * follows {@code l} before it applies the {@code ..} after it (path_resolution(7)). The plan
 * resolves each link as the kernel would, over the archive's own entries, following other links (at
 * most {@value #MAX_LINK_FOLLOWS}, the kernel's MAXSYMLINKS); a link that leaves, loops or passes
 * through a link that leaves is never created, only its text is kept.
 */
final class ArchivePlan {

  /** Links followed while resolving one path, as Linux's MAXSYMLINKS. */
  static final int MAX_LINK_FOLLOWS = 40;

  /** Longest entry name accepted (Linux PATH_MAX) and longest component (NAME_MAX). */
  static final int MAX_NAME = 4096;

  static final int MAX_COMPONENT = 255;

  /** The kind of one planned path. */
  enum Kind {
    DIR,
    FILE,
    LINK
  }

  /** One planned path: its kind, the link text of a link, the size of a file in bytes. */
  record Node(Kind kind, String linkText, long size) {}

  private final Limits limits;
  private final Map<String, Node> nodes = new LinkedHashMap<>();
  private int entries;
  private long totalBytes;

  ArchivePlan(Limits limits) {
    this.limits = limits;
  }

  /** The planned paths, in archive order (a parent folder before its children). */
  Map<String, Node> nodes() {
    return nodes;
  }

  int entries() {
    return entries;
  }

  /**
   * Adds one header to the plan; refuses it when it is hostile or breaks a limit. Returns the
   * checked name, empty for the archive's top folder itself ({@code ./}).
   */
  String add(TarArchiveEntry e) throws ArchiveException {
    if (++entries > limits.maxEntries()) {
      throw refused("more than " + limits.maxEntries() + " entries");
    }
    String name = checkName(e.getName());
    Kind kind = kindOf(e);
    if (name.isEmpty()) {
      if (kind != Kind.DIR) {
        throw refused("an entry without a name that is not a folder: " + e.getName());
      }
      return name;
    }
    long size = 0;
    if (kind == Kind.FILE) {
      size = e.getSize();
      if (size < 0 || size > limits.maxFileBytes()) {
        throw refused(e.getName() + " unpacks to more than " + limits.maxFileBytes() + " bytes");
      }
      totalBytes += size;
      if (totalBytes > limits.maxBytes()) {
        throw refused("unpacks to more than " + limits.maxBytes() + " bytes");
      }
    }
    addParents(name, e.getName());
    Node old = nodes.get(name);
    if (old != null && !(old.kind() == Kind.DIR && kind == Kind.DIR)) {
      throw refused("two entries named " + name + " (" + old.kind() + " and " + kind + ")");
    }
    if (old == null) {
      nodes.put(name, new Node(kind, kind == Kind.LINK ? e.getLinkName() : null, size));
    }
    return name;
  }

  /** Every folder above {@code name} becomes a planned folder; a file or link there is refused. */
  private void addParents(String name, String raw) throws ArchiveException {
    int i = name.indexOf('/');
    while (i > 0) {
      String parent = name.substring(0, i);
      Node n = nodes.get(parent);
      if (n == null) {
        nodes.put(parent, new Node(Kind.DIR, null, 0));
      } else if (n.kind() == Kind.LINK) {
        throw refused(raw + " would be written through the link " + parent);
      } else if (n.kind() == Kind.FILE) {
        throw refused(raw + " would be written under the file " + parent);
      }
      i = name.indexOf('/', i + 1);
    }
  }

  private static Kind kindOf(TarArchiveEntry e) throws ArchiveException {
    if (e.isLink()) {
      throw refused("hard link " + e.getName() + " -> " + e.getLinkName());
    }
    if (e.isCharacterDevice() || e.isBlockDevice()) {
      throw refused("device file " + e.getName());
    }
    if (e.isFIFO()) {
      throw refused("FIFO " + e.getName());
    }
    if (e.isSparse()) {
      throw refused("sparse file " + e.getName());
    }
    if (e.isSymbolicLink()) {
      String text = e.getLinkName();
      if (text == null || text.isEmpty() || text.indexOf('\0') >= 0) {
        throw refused("symlink " + e.getName() + " without a usable target");
      }
      return Kind.LINK;
    }
    if (e.isDirectory()) {
      return Kind.DIR;
    }
    byte flag = e.getLinkFlag();
    // '0' and the pre-POSIX NUL are regular files; everything else (contiguous files, GNU volume
    // headers, unknown vendor types) has no place in a gathered sysfs tree
    if (flag == TarArchiveEntry.LF_NORMAL || flag == TarArchiveEntry.LF_OLDNORM) {
      return Kind.FILE;
    }
    throw refused("entry " + e.getName() + " of unsupported type '" + (char) flag + "'");
  }

  /** The entry name as a relative path without {@code .} or empty components. */
  static String checkName(String raw) throws ArchiveException {
    if (raw.length() > MAX_NAME) {
      throw refused("an entry name longer than " + MAX_NAME + " characters");
    }
    if (raw.startsWith("/") || raw.matches("^[A-Za-z]:.*")) {
      throw refused("absolute path " + raw);
    }
    StringBuilder out = new StringBuilder();
    for (String part : raw.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        throw refused("'..' in " + raw);
      }
      if (part.indexOf('\0') >= 0) {
        throw refused("NUL in " + raw);
      }
      if (part.length() > MAX_COMPONENT) {
        throw refused("a name component longer than " + MAX_COMPONENT + " characters in " + raw);
      }
      if (out.length() > 0) {
        out.append('/');
      }
      out.append(part);
    }
    return out.toString();
  }

  /**
   * Where the link at {@code path} leads when the kernel resolves it in the unpacked tree, relative
   * to the extraction folder ({@code ""} is the folder itself); empty when it leaves the folder, is
   * absolute, passes through a link that does, or needs more than {@value #MAX_LINK_FOLLOWS} link
   * follows.
   */
  Optional<String> resolveLink(String path) {
    Node link = nodes.get(path);
    Deque<String> cur = new ArrayDeque<>();
    String parent = SysfsPaths.parentOf("/" + path);
    for (String s : parent.split("/")) {
      if (!s.isEmpty()) {
        cur.addLast(s);
      }
    }
    Deque<String> todo = new ArrayDeque<>();
    if (!push(todo, link.linkText())) {
      return Optional.empty();
    }
    int follows = 1;
    while (!todo.isEmpty()) {
      String c = todo.pollFirst();
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        if (cur.isEmpty()) {
          return Optional.empty();
        }
        cur.removeLast();
        continue;
      }
      cur.addLast(c);
      Node n = nodes.get(String.join("/", cur));
      if (n != null && n.kind() == Kind.LINK) {
        // the kernel replaces the link by its text, read from the link's own folder
        cur.removeLast();
        if (++follows > MAX_LINK_FOLLOWS || !push(todo, n.linkText())) {
          return Optional.empty();
        }
      }
      // a missing component or a file in the middle makes the kernel stop with ENOENT/ENOTDIR;
      // going on by text can only judge more links as leaving, never fewer
    }
    return Optional.of(String.join("/", cur));
  }

  /** Puts a link text's components in front of the work list; false when it is absolute. */
  private static boolean push(Deque<String> todo, String text) {
    if (text.startsWith("/")) {
      return false;
    }
    String[] parts = text.split("/");
    for (int i = parts.length - 1; i >= 0; i--) {
      todo.addFirst(parts[i]);
    }
    return true;
  }

  /**
   * The folder that stands for {@code /}: the top itself when it holds {@code sys/}, else its first
   * top folder that does.
   */
  String root() throws ArchiveException {
    Node sys = nodes.get("sys");
    if (sys != null && sys.kind() == Kind.DIR) {
      return "";
    }
    for (Map.Entry<String, Node> e : nodes.entrySet()) {
      String name = e.getKey();
      if (e.getValue().kind() == Kind.DIR && name.indexOf('/') < 0) {
        Node inner = nodes.get(name + "/sys");
        if (inner != null && inner.kind() == Kind.DIR) {
          return name;
        }
      }
    }
    throw new ArchiveException("not a sysfs tree: the archive has no sys/ folder at its top");
  }

  static ArchiveException refused(String why) {
    return new ArchiveException("archive refused: " + why);
  }
}
