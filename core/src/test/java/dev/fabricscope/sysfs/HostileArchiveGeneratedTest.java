package dev.fabricscope.sysfs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fabricscope.testing.HostileArchives;
import dev.fabricscope.testing.RawTar;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated archives of the shapes the resource limits guard: deep and long names, long and
 * self-following link texts near and past 4,096 characters, and runs of long name and PAX headers
 * of every size up to twice the cap. Each is either accepted or refused with one readable line,
 * within seconds, and leaves nothing behind; an accepted one creates only links that stay inside.
 * Seeded (a failure names its seed and reruns the same); bounded by a count and a time budget.
 */
class HostileArchiveGeneratedTest {

  private static final int CASES = 300;
  private static final long BUDGET_NANOS = 30_000_000_000L;
  private static final long SEED = 20260611L;
  private static final Duration PER_CASE = Duration.ofSeconds(5);
  private static final List<String> PIECES =
      List.of("a/", "../", "./", "bus/", "l0/", "l1/", "sys/", "c/../", "pci/", "/");

  @TempDir Path tmp;

  @Test
  void everyArchiveIsAnsweredQuicklyAndCleanly() throws IOException {
    GeneratedArchiveRuns.Tally t =
        GeneratedArchiveRuns.run("hostile-generated-", CASES, BUDGET_NANOS, SEED, this::answerOne);
    assertTrue(
        t.accepted() > t.run() / 10 && t.accepted() < t.run(),
        t.accepted() + " of " + t.run() + " accepted");
  }

  private GeneratedArchiveRuns.Outcome answerOne(long seed, SplittableRandom r, Path base)
      throws IOException {
    Path archive = tmp.resolve("g.tgz");
    String what = "seed " + seed + ": " + generate(r, archive);
    ArchiveExtractor.Unpacked u =
        assertTimeoutPreemptively(
            PER_CASE,
            () -> {
              try {
                return ArchiveExtractor.extract(archive, ArchiveExtractor.Limits.DEFAULT, base);
              } catch (ArchiveExtractor.ArchiveException refused) {
                String m = refused.getMessage();
                assertFalse(m.isBlank() || m.contains("\n"), "one line, " + what + ": " + m);
                return null;
              }
            },
            what);
    if (u == null) {
      return new GeneratedArchiveRuns.Outcome(false, what);
    }
    try (u) {
      assertLinksStayInside(u.tempDir(), what);
    }
    return new GeneratedArchiveRuns.Outcome(true, what);
  }

  /** Writes one generated archive; returns what it holds, for a failure's message. */
  private static String generate(SplittableRandom r, Path file) throws IOException {
    switch (r.nextInt(3)) {
      case 0 -> {
        // deep or long names: around MAX_DEPTH, MAX_NAME, the entry and character limits
        int depth = 1 + r.nextInt(r.nextBoolean() ? 140 : 400);
        int width = 1 + r.nextInt(r.nextBoolean() ? 8 : 300);
        // many entries only of short names: the archive is written in a moment
        int count = 1 + r.nextInt(depth * (width + 1) > 5000 ? 20 : 1500);
        if (count * (depth + 1L) > 2_000 && count * (depth + 1L) <= 100_000) {
          // below the entry limit a tree is written to disk: keep those small, and fast
          count = Math.max(1, 2_000 / (depth + 1));
        }
        HostileArchives.deepFolders(file, count, depth, width);
        return "deepFolders(" + count + ", " + depth + ", " + width + ")";
      }
      case 1 -> {
        List<String> entries = links(r);
        HostileArchives.paxWithSysfs(file, entries.toArray(String[]::new));
        return entries.size() + " link entries, texts up to " + longest(entries) + " characters";
      }
      default -> {
        return extensionHeaders(r, file);
      }
    }
  }

  /** Links whose texts repeat pieces to 0-5,000 characters, some following each other. */
  private static List<String> links(SplittableRandom r) {
    List<String> out = new ArrayList<>(List.of("d:sys/c", "d:sys/a/a"));
    int n = 1 + r.nextInt(30);
    for (int i = 0; i < n; i++) {
      StringBuilder text = new StringBuilder();
      int length = r.nextInt(r.nextBoolean() ? 200 : 5000);
      String piece = PIECES.get(r.nextInt(PIECES.size()));
      while (text.length() < length) {
        text.append(r.nextInt(8) == 0 ? PIECES.get(r.nextInt(PIECES.size())) : piece);
      }
      if (text.length() == 0 || text.charAt(0) == '/') {
        text.insert(0, 'a');
      }
      out.add("l:sys/" + (r.nextBoolean() ? "" : "a/") + "l" + i + "->" + text);
    }
    return out;
  }

  /** Runs of L, K, x and g headers of 0 to 128 KiB (the cap is 64 KiB), then a file. */
  private static String extensionHeaders(SplittableRandom r, Path file) throws IOException {
    List<String> seen = new ArrayList<>();
    try (RawTar tar = RawTar.gzip(file)) {
      tar.entry("sys/", '5', new byte[0]);
      int runs = 1 + r.nextInt(4);
      for (int k = 0; k < runs; k++) {
        int n = 1 + r.nextInt(r.nextInt(5) == 0 ? 12 : 3);
        for (int i = 0; i < n; i++) {
          char type = "LKxg".charAt(r.nextInt(4));
          int size = 32 + r.nextInt(r.nextBoolean() ? 300 : 128 << 10);
          seen.add(type + "" + size);
          if (type == 'x' || type == 'g') {
            String key = List.of("path", "linkpath", "comment", "mtime").get(r.nextInt(4));
            tar.paxRecord(type, key, size);
          } else {
            tar.filled("././@LongLink", type, size, (byte) 'a');
          }
        }
        byte[] data = ("file " + k).getBytes(StandardCharsets.US_ASCII);
        tar.entry("sys/f" + k, r.nextInt(4) == 0 ? '2' : '0', data);
      }
    }
    return "extension headers " + seen;
  }

  private static int longest(List<String> entries) {
    int max = 0;
    for (String e : entries) {
      int arrow = e.indexOf("->");
      max = Math.max(max, arrow < 0 ? 0 : e.length() - arrow - 2);
    }
    return max;
  }

  private static void assertLinksStayInside(Path temp, String what) throws IOException {
    Path real = temp.toRealPath();
    try (Stream<Path> walk = Files.walk(temp)) {
      for (Path p : walk.toList()) {
        if (Files.isSymbolicLink(p) && Files.exists(p)) {
          if (!p.toRealPath().startsWith(real)) {
            fail(p + " leaves the folder, " + what);
          }
        }
      }
    }
  }
}
