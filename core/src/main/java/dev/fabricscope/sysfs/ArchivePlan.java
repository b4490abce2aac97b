package dev.fabricscope.sysfs;

import dev.fabricscope.sysfs.ArchiveExtractor.ArchiveException;
import dev.fabricscope.sysfs.ArchiveExtractor.Limits;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * What an archive would unpack to, built from its headers alone before anything is written: every
 * entry's checked name and kind, and the limits. {@link LinkResolver} then judges over the plan
 * whether the operating system would resolve each symlink inside the extraction folder. {@link
 * ArchiveExtractor} writes only what a complete, accepted plan holds, so a refused archive never
 * writes a byte.
 *
 * <p>Memory is bounded by what the plan holds, not only by the headers read: every planned path
 * counts against {@link Limits#maxEntries}, the folders that names only imply ({@code a/b/c} plans
 * {@code a} and {@code a/b}) included, a name has at most {@value #MAX_DEPTH} components, and all
 * planned names and link texts together at most {@value #MAX_PLANNED_CHARS} characters. Without
 * these a 7 KB archive of deep names planned gigabytes of prefixes.
 *
 * <p>Disk space is bounded the same way: every planned path costs its block-rounded size ({@link
 * #spaceOf}) against {@link Limits#maxSpaceBytes}, so a tree of tiny files or empty folders costs
 * what it takes on tmpfs, not the few bytes it holds.
 */
final class ArchivePlan {

  /** Longest entry name or link text accepted (Linux PATH_MAX) and longest component (NAME_MAX). */
  static final int MAX_NAME = 4096;

  static final int MAX_COMPONENT = 255;

  /**
   * Most components in one name. The deepest path in the real gathers under shared/fixtures has 16
   * (a SAS expander's disk, top folder included); PCIe switches, USB hubs and Thunderbolt chains
   * add a few levels each, so 128 leaves a wide margin while capping the folders one name implies.
   */
  static final int MAX_DEPTH = 128;

  /**
   * All planned names and link texts, in characters. The largest real gather plans 0.92 million
   * (11,495 paths); 32 Mi is 36 times that, and holds the plan's strings to tens of megabytes.
   */
  static final long MAX_PLANNED_CHARS = 32L << 20;

  /**
   * The unit of space a planned path costs, in bytes: the page and block size of tmpfs and ext4,
   * where a file of one byte, an empty file, a folder or a symlink with a long target each take
   * one.
   */
  static final int BLOCK = 4096;

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
  private long space;
  private long plannedChars;

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
    }
    addParents(name, e.getName());
    Node old = nodes.get(name);
    if (old != null && !(old.kind() == Kind.DIR && kind == Kind.DIR)) {
      throw refused("two entries named " + name + " (" + old.kind() + " and " + kind + ")");
    }
    if (old == null) {
      String text = kind == Kind.LINK ? e.getLinkName() : null;
      plan(name, new Node(kind, text, size));
    }
    return name;
  }

  /**
   * Every folder above {@code name} becomes a planned folder; a file or link there is refused.
   * Walks up from the nearest parent and stops at the first one planned: a planned folder's own
   * parents were checked when it was planned, and none can change kind later (a second entry of
   * another kind is refused), so each entry costs its new folders, not all its prefixes again.
   */
  private void addParents(String name, String raw) throws ArchiveException {
    List<String> missing = new ArrayList<>();
    for (int i = name.lastIndexOf('/'); i > 0; i = name.lastIndexOf('/', i - 1)) {
      String parent = name.substring(0, i);
      Node n = nodes.get(parent);
      if (n == null) {
        missing.add(parent);
        continue;
      }
      if (n.kind() == Kind.LINK) {
        throw refused(raw + " would be written through the link " + parent);
      }
      if (n.kind() == Kind.FILE) {
        throw refused(raw + " would be written under the file " + parent);
      }
      break;
    }
    // outermost first: the map's order is the order folders are created in, parents first
    for (int i = missing.size() - 1; i >= 0; i--) {
      plan(missing.get(i), new Node(Kind.DIR, null, 0));
    }
  }

  /** Block-rounded space the planned paths take so far, in bytes. */
  long space() {
    return space;
  }

  /**
   * The space one planned path takes on disk, in bytes: its size rounded up to whole blocks, at
   * least one block. An upper bound where a file system keeps short link texts or tiny files
   * inline, and an estimate for large folders, which take a block per few dozen names.
   */
  static long spaceOf(Node node) {
    long blocks = (node.size() + BLOCK - 1) / BLOCK;
    return Math.max(1, blocks) * BLOCK;
  }

  /** Adds one path to the plan, counted against the entry, space and character limits. */
  private void plan(String name, Node node) throws ArchiveException {
    if (nodes.size() >= limits.maxEntries()) {
      throw refused(
          "more than " + limits.maxEntries() + " entries (folders implied by names included)");
    }
    space += spaceOf(node);
    if (space > limits.maxSpaceBytes()) {
      throw refused(
          "unpacks to more than "
              + limits.maxSpaceBytes()
              + " bytes on disk (each file, folder and link rounded up to "
              + BLOCK
              + "-byte blocks)");
    }
    plannedChars += name.length() + (node.linkText() == null ? 0 : node.linkText().length());
    if (plannedChars > MAX_PLANNED_CHARS) {
      throw refused("names and link targets of more than " + MAX_PLANNED_CHARS + " characters");
    }
    nodes.put(name, node);
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
      if (text.length() > MAX_NAME) {
        // the kernel refuses longer targets (ENAMETOOLONG); resolving them costs time per character
        throw refused(
            "symlink " + e.getName() + " with a target longer than " + MAX_NAME + " characters");
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
    int depth = 0;
    for (String part : raw.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (++depth > MAX_DEPTH) {
        throw refused("an entry name deeper than " + MAX_DEPTH + " folders");
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
