package dev.fabricscope.sysfs;

import dev.fabricscope.sysfs.ArchiveExtractor.ArchiveException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Map;

/**
 * Judges where an archive's links lead once unpacked, as the kernel would resolve them, over the
 * planned paths of {@link ArchivePlan} alone (nothing is on disk yet).
 *
 * <p>Links are judged by their <em>resolution on disk</em>, not their text: {@code x -> d0/l/../..}
 * with {@code d0/l -> ../..} leaves the folder although its text does not, because the kernel
 * follows {@code l} before it applies the {@code ..} after it (path_resolution(7)). Other links are
 * followed (at most {@value #MAX_LINK_FOLLOWS}, the kernel's MAXSYMLINKS); a link that leaves,
 * loops or passes through a link that leaves is never created, only its text is kept.
 *
 * <p>The cost is bounded: the path is built one component at a time (not joined again for every
 * component), it is looked up only while it can be a planned path (no longer than {@link
 * ArchivePlan#MAX_NAME}, no unplanned component above it), and all the links of one archive share a
 * budget of {@value #MAX_WORK} steps (one per character walked or looked up). A link text of 4,096
 * characters followed 40 times is about 80,000 components; without these bounds one such link took
 * minutes.
 */
final class LinkResolver {

  /** Links followed while resolving one path, as Linux's MAXSYMLINKS. */
  static final int MAX_LINK_FOLLOWS = 40;

  /**
   * Steps for all links of one archive (a fraction of a second). The real gathers under
   * shared/fixtures need at most 0.63 million (hwloc-40intel64-4n10c+pci-conflicts, 4,184 links), a
   * hundredth of this; {@code LinkResolverTest} holds them to a sixteenth.
   */
  static final long MAX_WORK = 64L << 20;

  private final Map<String, ArchivePlan.Node> nodes;
  private long work;

  LinkResolver(Map<String, ArchivePlan.Node> nodes) {
    this.nodes = nodes;
  }

  /** The steps spent so far. */
  long work() {
    return work;
  }

  /**
   * Whether the link at {@code path} resolves inside the extraction folder; false when it leaves
   * the folder, is absolute, passes through a link that does, or needs more than {@value
   * #MAX_LINK_FOLLOWS} link follows.
   *
   * @throws ArchiveException when the archive's links need more than {@value #MAX_WORK} steps
   */
  boolean staysInside(String path) throws ArchiveException {
    Walk cur = new Walk();
    int slash = path.lastIndexOf('/');
    if (slash > 0) {
      // the link's folder is planned, and so is every folder above it
      for (String s : path.substring(0, slash).split("/")) {
        cur.push(s);
      }
    }
    charge(path.length());
    Deque<String> todo = new ArrayDeque<>();
    if (!push(todo, nodes.get(path).linkText())) {
      return false;
    }
    int follows = 1;
    while (!todo.isEmpty()) {
      String c = todo.pollFirst();
      charge(c.length() + 1L);
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        if (cur.depth == 0) {
          return false;
        }
        cur.pop();
        continue;
      }
      cur.push(c);
      if (cur.missingAt > 0 || cur.path.length() > ArchivePlan.MAX_NAME) {
        // under a path the archive does not hold: nothing below it is planned either. The kernel
        // would stop here (ENOENT); going on by text only judges more links as leaving, never fewer
        cur.markMissing();
        continue;
      }
      charge(cur.path.length());
      ArchivePlan.Node n = nodes.get(cur.path.toString());
      if (n == null) {
        cur.markMissing();
      } else if (n.kind() == ArchivePlan.Kind.LINK) {
        // the kernel replaces the link by its text, read from the link's own folder
        cur.pop();
        if (++follows > MAX_LINK_FOLLOWS || !push(todo, n.linkText())) {
          return false;
        }
      }
    }
    return true;
  }

  private void charge(long steps) throws ArchiveException {
    work += steps;
    if (work > MAX_WORK) {
      throw ArchivePlan.refused("links that need more than " + MAX_WORK + " steps to resolve");
    }
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

  /** The resolved path so far, grown and shrunk at its end, with where each component starts. */
  private static final class Walk {
    final StringBuilder path = new StringBuilder();
    int[] starts = new int[64];
    int depth;

    /** Depth of the first component that is not a planned path; 0 while all are. */
    int missingAt;

    void push(String component) {
      if (depth == starts.length) {
        starts = Arrays.copyOf(starts, depth * 2);
      }
      starts[depth++] = path.length();
      if (path.length() > 0) {
        path.append('/');
      }
      path.append(component);
    }

    void pop() {
      path.setLength(starts[--depth]);
      if (depth < missingAt) {
        missingAt = 0;
      }
    }

    void markMissing() {
      if (missingAt == 0) {
        missingAt = depth;
      }
    }
  }
}
