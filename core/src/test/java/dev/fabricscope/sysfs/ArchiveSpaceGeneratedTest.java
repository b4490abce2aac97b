package dev.fabricscope.sysfs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fabricscope.sysfs.ArchiveExtractor.ArchiveException;
import dev.fabricscope.sysfs.ArchiveExtractor.Limits;
import dev.fabricscope.testing.SpaceArchive;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated archives of folders (written and only implied by names), files of sizes around block
 * boundaries and symlinks, each under limits drawn near its own size: the extractor accepts exactly
 * those a simple model accepts (every path costs its size rounded up to whole blocks, at least one;
 * headers and paths each at most the entry limit), and a refused one leaves nothing behind. Seeded
 * (a failure names its seed and its entries); bounded by a count and a time budget.
 */
class ArchiveSpaceGeneratedTest {

  private static final int CASES = 600;
  private static final long BUDGET_NANOS = 25_000_000_000L;
  private static final long SEED = 20261207L;
  private static final int BLOCK = 4096;
  private static final long[] SIZES = {0, 1, 511, 512, 4095, 4096, 4097, 8191, 8192, 8193, 12288};
  private static final String[] TARGETS = {"f1", "../x", "/sys/bus/pci", ".", "d2/f3", "l4"};

  @TempDir Path tmp;

  /** One generated archive: its entries ("d:", "f:name=size", "l:name->target"), the model. */
  private record Case(List<String> entries, Map<String, Long> paths, int headers, long space) {}

  @Test
  void acceptedExactlyWhenTheModelFits() throws IOException {
    GeneratedArchiveRuns.Tally t =
        GeneratedArchiveRuns.run("space-generated-", CASES, BUDGET_NANOS, SEED, this::oneCase);
    assertTrue(
        t.accepted() > t.run() / 5 && t.accepted() < t.run() * 4 / 5,
        t.accepted() + " of " + t.run() + " accepted");
  }

  private GeneratedArchiveRuns.Outcome oneCase(long seed, SplittableRandom r, Path base)
      throws IOException {
    Case c = generate(r);
    Path archive = write(c, tmp.resolve("g.tar.gz"));
    int maxEntries = Math.max(1, c.paths().size() + r.nextInt(-2, 3));
    long[] deltas = {-BLOCK, -1, 0, 0, 1, BLOCK, r.nextLong(-3 * BLOCK, 3 * BLOCK)};
    long maxSpace = Math.max(BLOCK, c.space() + deltas[r.nextInt(deltas.length)]);
    Limits limits = new Limits(maxEntries, maxSpace, 1 << 20);
    boolean fits =
        c.headers() <= maxEntries && c.paths().size() <= maxEntries && c.space() <= maxSpace;
    String what =
        limits
            + ", model "
            + c.paths().size()
            + " paths, "
            + c.headers()
            + " headers, "
            + c.space()
            + " bytes: "
            + c.entries();
    try (var u = ArchiveExtractor.extract(archive, limits, base)) {
      assertTrue(fits, "accepted, seed " + seed + ", " + what);
      return new GeneratedArchiveRuns.Outcome(true, what);
    } catch (ArchiveException refused) {
      assertTrue(!fits, "refused (" + refused.getMessage() + "), seed " + seed + ", " + what);
      assertTrue(refused.getMessage().contains("more than"), refused.getMessage());
      return new GeneratedArchiveRuns.Outcome(false, what);
    }
  }

  private static Case generate(SplittableRandom r) {
    List<String> entries = new ArrayList<>();
    Map<String, Long> paths = new LinkedHashMap<>(); // path -> its space
    List<String> dirs = new ArrayList<>(List.of("sys"));
    int headers = 0;
    if (r.nextInt(10) == 0) {
      entries.add("d:./"); // the top folder itself: a header, but no path
      headers++;
    }
    entries.add("d:sys");
    headers++;
    paths.put("sys", (long) BLOCK);
    int n = r.nextInt(1, 40);
    for (int k = 0; k < n; k++) {
      String parent = dirs.get(r.nextInt(dirs.size()));
      if (r.nextInt(6) == 0) {
        // a folder no header names: the plan makes it, and it costs a block like any other
        parent = parent + "/i" + k;
        dirs.add(parent);
        paths.put(parent, (long) BLOCK);
      }
      int kind = r.nextInt(4);
      if (kind == 0) {
        String name = parent + "/d" + k;
        entries.add("d:" + name);
        dirs.add(name);
        paths.put(name, (long) BLOCK);
      } else if (kind == 3) {
        String name = parent + "/l" + k;
        entries.add("l:" + name + "->" + TARGETS[r.nextInt(TARGETS.length)]);
        paths.put(name, (long) BLOCK);
      } else {
        String name = parent + "/f" + k;
        long size = r.nextInt(5) == 0 ? r.nextLong(0, 20_000) : SIZES[r.nextInt(SIZES.length)];
        entries.add("f:" + name + "=" + size);
        paths.put(name, Math.max(1, (size + BLOCK - 1) / BLOCK) * BLOCK);
      }
      headers++;
    }
    long space = paths.values().stream().mapToLong(Long::longValue).sum();
    return new Case(entries, paths, headers, space);
  }

  private static Path write(Case c, Path file) throws IOException {
    try (SpaceArchive tar = new SpaceArchive(file)) {
      for (String e : c.entries()) {
        String body = e.substring(2);
        if (e.startsWith("d:")) {
          tar.dir(body);
        } else if (e.startsWith("l:")) {
          int arrow = body.indexOf("->");
          tar.link(body.substring(0, arrow), body.substring(arrow + 2));
        } else {
          int eq = body.indexOf('=');
          tar.file(body.substring(0, eq), Long.parseLong(body.substring(eq + 1)));
        }
      }
    }
    return file;
  }
}
