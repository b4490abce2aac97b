package dev.fabricscope.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.testing.HostileArchives;
import dev.fabricscope.testing.SentinelTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A property test over generated archives: folders, files and chained links whose texts are runs of
 * {@code ..}, names of other entries, absolute paths and paths towards a sentinel tree beside the
 * extraction folder. Whatever the extractor decides, nothing outside its folder changes, every link
 * it creates resolves inside, and nothing is left behind. Seeded (a failure names its seed and its
 * entries, and reruns the same); bounded by a count and a time budget so CI stays under a minute.
 */
class ArchiveExtractorPropertiesTest {

  private static final List<String> NAMES = List.of("sys", "a", "b", "l", "x", "y");
  private static final int CASES = 3000;
  private static final long BUDGET_NANOS = 45_000_000_000L;
  private static final long SEED = 20261204L;

  @TempDir Path base;

  @Test
  void nothingOutsideTheFolderEverChanges() throws IOException {
    SentinelTree sentinel = SentinelTree.create(base.resolve("sentinel"));
    Map<String, String> before = sentinel.fingerprint();
    Path extract = Files.createDirectory(base.resolve("extract"));
    System.setProperty("fabricscope.tmpdir", extract.toString());
    long deadline = System.nanoTime() + BUDGET_NANOS;
    int run = 0;
    int accepted = 0;
    try {
      for (; run < CASES && System.nanoTime() < deadline; run++) {
        long seed = SEED + run;
        List<String> entries = generate(new SplittableRandom(seed), sentinel.victim().toString());
        Path archive =
            HostileArchives.write(base.resolve("a.tar.gz"), entries.toArray(String[]::new));
        String what = "seed " + seed + ": " + entries;
        try (ArchiveExtractor.Unpacked u = ArchiveExtractor.extract(archive)) {
          assertLinksStayInside(u.tempDir(), what);
          accepted++;
        } catch (ArchiveExtractor.ArchiveException refused) {
          // a refusal is a fine answer; what matters is below
        }
        assertEquals(before, sentinel.fingerprint(), "changed outside the folder, " + what);
        try (Stream<Path> left = Files.list(extract)) {
          assertEquals(List.of(), left.toList(), "left behind, " + what);
        }
      }
    } finally {
      System.clearProperty("fabricscope.tmpdir");
    }
    // the generator must exercise both answers, or the property says little
    assertTrue(run >= 1000, "only " + run + " archives in the time budget");
    assertTrue(accepted > run / 10 && accepted < run, accepted + " of " + run + " accepted");
  }

  private static void assertLinksStayInside(Path temp, String what) throws IOException {
    Path real = temp.toRealPath();
    try (Stream<Path> walk = Files.walk(temp)) {
      for (Path p : walk.toList()) {
        if (Files.isSymbolicLink(p) && Files.exists(p)) {
          assertTrue(p.toRealPath().startsWith(real), p + " leaves the folder, " + what);
        }
      }
    }
  }

  /**
   * 1-14 entries in {@link HostileArchives#write} notation; half start with a sysfs skeleton. Built
   * from the shapes of real escapes: links that climb exactly to the top (their text stays inside),
   * links that go through an earlier link and climb on ({@code a/l/../../sentinel/victim}: the
   * kernel follows {@code l} first), files and folders over or under earlier links, absolute texts.
   */
  static List<String> generate(SplittableRandom r, String victim) {
    List<String> out = new ArrayList<>();
    List<String> links = new ArrayList<>();
    if (r.nextBoolean()) {
      out.add("d:sys/bus/pci/devices");
    }
    int n = 1 + r.nextInt(14);
    for (int i = 0; i < n; i++) {
      int motif = r.nextInt(10);
      String path = randomPath(r);
      if (motif < 2) {
        // climbs to the top, or a little above it
        int depth = path.split("/").length;
        out.add("l:" + path + "->" + up(depth - 1 + (r.nextInt(4) == 0 ? 1 : 0)) + tail(r, victim));
        links.add(path);
      } else if (motif < 5 && !links.isEmpty()) {
        // through an earlier link, then on
        String via = links.get(r.nextInt(links.size()));
        String text = via + "/" + up(1 + r.nextInt(via.split("/").length + 2)) + tail(r, victim);
        out.add("l:" + path + "->" + text);
        links.add(path);
      } else if (motif < 7 && !links.isEmpty()) {
        // a file or folder over, or under, an earlier link
        String over = links.get(r.nextInt(links.size()));
        String target = r.nextBoolean() ? over : over + "/" + name(r);
        out.add(r.nextInt(3) == 0 ? "d:" + target : "f:" + target + "=owned");
      } else if (motif == 7) {
        out.add("l:" + path + "->" + List.of(victim, "/", "/etc", "x" + victim).get(r.nextInt(4)));
        links.add(path);
      } else if (motif == 8) {
        out.add("d:" + path);
      } else {
        out.add("f:" + path + "=owned");
      }
    }
    return out;
  }

  private static String up(int levels) {
    return levels <= 0 ? "." : "../".repeat(levels - 1) + "..";
  }

  private static String tail(SplittableRandom r, String victim) {
    return List.of("", "", "/sentinel/victim", "/sentinel", "/" + name(r), victim)
        .get(r.nextInt(6));
  }

  private static String name(SplittableRandom r) {
    return NAMES.get(r.nextInt(NAMES.size()));
  }

  private static String randomPath(SplittableRandom r) {
    List<String> parts = new ArrayList<>();
    int depth = 1 + r.nextInt(4);
    for (int i = 0; i < depth; i++) {
      parts.add(name(r));
    }
    return String.join("/", parts);
  }
}
