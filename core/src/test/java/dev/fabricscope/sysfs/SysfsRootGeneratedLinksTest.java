package dev.fabricscope.sysfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 200 random trees of folders and links — links inside the root (as sysfs has them), relative and
 * absolute links out of it, links through links that leave, loops — probed through every link: each
 * read either gives a file inside the root (the one the kernel gives too) or is refused, and
 * nothing reachable without leaving is refused.
 */
class SysfsRootGeneratedLinksTest {

  private static final long SEED = 0x5157_f500L;
  private static final int TREES = 200;

  @TempDir Path tmp;

  @Test
  void everyReadStaysInsideOrIsRefused() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(120),
        () -> {
          Random seeds = new Random(SEED);
          for (int i = 0; i < TREES; i++) {
            long seed = seeds.nextLong();
            oneTree(
                Files.createDirectories(tmp.resolve("t" + i)), new Random(seed), "seed " + seed);
          }
        });
  }

  private void oneTree(Path base, Random r, String what) throws IOException {
    Path root = Files.createDirectories(base.resolve("root"));
    Path outside = Files.createDirectories(base.resolve("outside/o1/o2"));
    Files.writeString(outside.resolve("f"), "OUTSIDE");
    Files.writeString(outside.getParent().resolve("f"), "OUTSIDE");
    Files.writeString(root.resolve("f"), "INSIDE:");
    List<String> dirs = new ArrayList<>(List.of(""));
    int nDirs = 3 + r.nextInt(8);
    for (int k = 0; k < nDirs; k++) {
      String d = join(dirs.get(r.nextInt(dirs.size())), "d" + k);
      Files.createDirectories(root.resolve(d));
      Files.writeString(root.resolve(d).resolve("f"), "INSIDE:" + d);
      dirs.add(d);
    }
    List<String> links = new ArrayList<>();
    List<String[]> good = new ArrayList<>(); // link, the folder it stands for
    int nLinks = 4 + r.nextInt(12);
    for (int k = 0; k < nLinks; k++) {
      String at = dirs.get(r.nextInt(dirs.size()));
      String link = join(at, "l" + k);
      int depth = at.isEmpty() ? 0 : at.split("/").length;
      String text;
      switch (r.nextInt(7)) {
        case 0, 1 -> { // inside, as sysfs links are: relative, up and down again
          String target = dirs.get(r.nextInt(dirs.size()));
          text = rel(root, at, target);
          good.add(new String[] {link, target});
        }
        case 2 -> text = "../".repeat(depth + 1) + "outside/o1" + (r.nextBoolean() ? "/o2" : "");
        case 3 -> text = base.resolve("outside/o1").toAbsolutePath().toString();
        case 4 -> text = root.resolve(dirs.get(r.nextInt(dirs.size()))).toString();
        case 5 -> // through another link, which may leave (or loop): l/.. is not its folder
            text =
                links.isEmpty()
                    ? "l" + k
                    : rel(root, at, links.get(r.nextInt(links.size())))
                        + (r.nextBoolean() ? "/o2" : "/..");
        default -> text = "../".repeat(r.nextInt(depth + 3)) + (r.nextBoolean() ? "d0" : "l0");
      }
      Files.createSymbolicLink(root.resolve(link), Path.of(text));
      links.add(link);
    }
    SysfsRoot fs = SysfsRoot.of(root);
    Path realRoot = root.toRealPath();
    for (String d : dirs) {
      // no link on the way: always read
      assertEquals("INSIDE:" + d, fs.text("/" + join(d, "f")).value(), what);
    }
    for (String[] g : good) {
      assertEquals("INSIDE:" + g[1], fs.text("/" + g[0] + "/f").value(), what + " " + g[0]);
    }
    for (String l : links) {
      for (String p : List.of(l, l + "/f", l + "/o2/f", l + "/d1/f", l + "/l0/f", l + "/..")) {
        probe(fs, root, realRoot, "/" + p, what);
      }
    }
  }

  private static void probe(SysfsRoot fs, Path root, Path realRoot, String p, String what)
      throws IOException {
    String at = what + " " + p;
    SysfsRoot.Read<byte[]> read = fs.bytes(p);
    if (read.ok()) {
      String text = new String(read.value(), StandardCharsets.UTF_8);
      assertTrue(text.startsWith("INSIDE:"), at + ": " + text);
      // what was read is the file the kernel finds there, and it lies inside the root
      Path real = root.resolve(p.substring(1)).toRealPath();
      assertTrue(real.startsWith(realRoot), at + ": " + real);
      assertArrayEquals(Files.readAllBytes(real), read.value(), at);
    } else {
      assertTrue(read.problem() != null && !read.problem().isEmpty(), at);
    }
    List<String> names = fs.list(p);
    if (!names.isEmpty()) {
      Path real = root.resolve(p.substring(1)).toRealPath();
      assertTrue(real.startsWith(realRoot), at + " listed outside: " + real);
    }
    var inDir = fs.dir(p).text("f");
    assertTrue(inDir.ok() ? inDir.value().startsWith("INSIDE:") : inDir.problem() != null, at);
    fs.resolve(p)
        .ifPresent(
            q -> {
              var t = fs.text(q + "/f");
              assertTrue(!t.ok() || t.value().startsWith("INSIDE:"), at + " -> " + q);
            });
  }

  private static String rel(Path root, String from, String to) {
    String text = root.resolve(from).relativize(root.resolve(to)).toString();
    return text.isEmpty() ? "." : text;
  }

  private static String join(String dir, String name) {
    return dir.isEmpty() ? name : dir + "/" + name;
  }
}
