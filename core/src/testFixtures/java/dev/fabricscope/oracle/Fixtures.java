package dev.fabricscope.oracle;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Locates the shared real-machine fixtures (system property {@code fabricscope.fixtures}, set by
 * every build from fixtures.dir of core/pom.xml). Missing fixtures fail the test: a skipped oracle
 * test proves nothing.
 */
public final class Fixtures {

  private Fixtures() {}

  /** The fixtures folder ({@code shared/fixtures}). */
  public static Path root() {
    String p = System.getProperty("fabricscope.fixtures");
    if (p == null || p.isBlank()) {
      fail(
          "system property fabricscope.fixtures is not set (set by the builds: fixtures.dir in core/pom.xml)");
    }
    Path dir = Path.of(p).toAbsolutePath().normalize();
    if (!Files.isDirectory(dir.resolve("sysfs"))) {
      fail("fixtures missing: " + dir + "/sysfs does not exist");
    }
    return dir;
  }

  /** A file below {@code fixtures/sysfs}; fails when it does not exist. */
  public static Path sysfs(String name) {
    Path f = root().resolve("sysfs").resolve(name);
    if (!Files.exists(f)) {
      fail("fixture missing: " + f);
    }
    return f;
  }

  /** Every archive in {@code fixtures/sysfs}, sorted by name. */
  public static List<Path> archives() {
    try (Stream<Path> s = Files.list(root().resolve("sysfs"))) {
      return s.filter(p -> stem(p) != null).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The archive's name without {@code .tar.gz}/{@code .tar.bz2}/{@code .tar}; null otherwise. */
  public static String stem(Path archive) {
    String n = archive.getFileName().toString();
    for (String ext : List.of(".tar.gz", ".tar.bz2", ".tar")) {
      if (n.endsWith(ext)) {
        return n.substring(0, n.length() - ext.length());
      }
    }
    return null;
  }

  /** The {@code lspci -tvnn} oracle beside the sysfs archive {@code name} (may not exist). */
  public static Path lspciOracle(String name) {
    return root().resolve("sysfs").resolve(name + ".lspci-tvnn.txt");
  }

  /** The oracle file beside an archive ({@code X.tar.gz} → {@code X<suffix>}). */
  public static Path beside(Path archive, String suffix) {
    return archive.resolveSibling(stem(archive) + suffix);
  }

  /** Reads a text file as UTF-8. */
  public static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
