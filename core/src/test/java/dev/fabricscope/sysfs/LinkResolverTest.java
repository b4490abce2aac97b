package dev.fabricscope.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.oracle.Fixtures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;

/**
 * The bounded resolver answers as the plain one it replaced (the path joined again for every
 * component, kept below as the reference) on every link of the real gathers and of generated trees,
 * and the real gathers use a small part of its budget and of the plan's limits.
 */
class LinkResolverTest {

  @Test
  void realGathersResolveAsBeforeWellWithinTheBudget() throws IOException {
    List<Path> archives = new ArrayList<>(Fixtures.archives());
    archives.add(Fixtures.root().resolve("gpu-hosts/h200-passthrough.tar.bz2"));
    for (Path archive : archives) {
      ArchivePlan plan = new ArchivePlan(ArchiveExtractor.Limits.DEFAULT);
      try (TarArchiveInputStream tar =
          new GuardedTarInputStream(ArchiveFormat.decompress(archive))) {
        TarArchiveEntry e;
        while ((e = tar.getNextEntry()) != null) {
          plan.add(e);
        }
      }
      LinkResolver resolver = new LinkResolver(plan.nodes());
      assertSameAnswers(plan.nodes(), resolver, archive.toString());
      // a sixteenth of the budget, an eighth of the entry limit: gathers of larger hosts still fit
      assertTrue(resolver.work() < LinkResolver.MAX_WORK / 16, archive + ": " + resolver.work());
      assertTrue(
          plan.nodes().size() < ArchiveExtractor.Limits.DEFAULT.maxEntries() / 8,
          archive.toString());
    }
  }

  @Test
  void generatedTreesResolveAsBefore() throws IOException {
    for (long seed = 1; seed <= 2000; seed++) {
      SplittableRandom r = new SplittableRandom(seed);
      ArchivePlan plan = new ArchivePlan(ArchiveExtractor.Limits.DEFAULT);
      for (String entry : ArchiveExtractorPropertiesTest.generate(r, "/tmp/sentinel/victim")) {
        try {
          plan.add(entryOf(entry));
        } catch (ArchiveExtractor.ArchiveException refused) {
          // a refused entry is left out; the rest still makes a tree to resolve over
        }
      }
      assertSameAnswers(plan.nodes(), new LinkResolver(plan.nodes()), "seed " + seed);
    }
  }

  private static void assertSameAnswers(
      Map<String, ArchivePlan.Node> nodes, LinkResolver resolver, String what)
      throws ArchiveExtractor.ArchiveException {
    for (Map.Entry<String, ArchivePlan.Node> n : nodes.entrySet()) {
      if (n.getValue().kind() == ArchivePlan.Kind.LINK) {
        boolean expected = reference(nodes, n.getKey());
        assertEquals(expected, resolver.staysInside(n.getKey()), what + ": " + n.getKey());
      }
    }
  }

  private static TarArchiveEntry entryOf(String e) {
    String body = e.substring(2);
    return switch (e.charAt(0)) {
      case 'd' -> new TarArchiveEntry(body + "/", true);
      case 'l' -> {
        int arrow = body.indexOf("->");
        TarArchiveEntry t =
            new TarArchiveEntry(body.substring(0, arrow), TarArchiveEntry.LF_SYMLINK, true);
        t.setLinkName(body.substring(arrow + 2));
        yield t;
      }
      default -> new TarArchiveEntry(body.substring(0, body.indexOf('=')), true);
    };
  }

  /** The resolution as it was written first: simple, and quadratic in the path's length. */
  private static boolean reference(Map<String, ArchivePlan.Node> nodes, String path) {
    Deque<String> cur = new ArrayDeque<>();
    for (String s : SysfsPaths.parentOf("/" + path).split("/")) {
      if (!s.isEmpty()) {
        cur.addLast(s);
      }
    }
    Deque<String> todo = new ArrayDeque<>();
    if (!push(todo, nodes.get(path).linkText())) {
      return false;
    }
    int follows = 1;
    while (!todo.isEmpty()) {
      String c = todo.pollFirst();
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        if (cur.isEmpty()) {
          return false;
        }
        cur.removeLast();
        continue;
      }
      cur.addLast(c);
      ArchivePlan.Node n = nodes.get(String.join("/", cur));
      if (n != null && n.kind() == ArchivePlan.Kind.LINK) {
        cur.removeLast();
        if (++follows > LinkResolver.MAX_LINK_FOLLOWS || !push(todo, n.linkText())) {
          return false;
        }
      }
    }
    return true;
  }

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
}
