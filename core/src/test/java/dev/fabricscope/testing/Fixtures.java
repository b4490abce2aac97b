package dev.fabricscope.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Locates the real-machine fixtures in {@code ../shared/fixtures} (system property set by Maven).
 */
public final class Fixtures {

  private Fixtures() {}

  /** The fixtures folder; fails the test when it is missing. */
  public static Path dir() {
    String prop = System.getProperty("fabricscope.fixtures");
    Path p = Path.of(prop == null ? "../../shared/fixtures" : prop).toAbsolutePath().normalize();
    assertTrue(Files.isDirectory(p), "fixtures not found at " + p + " (../shared/fixtures)");
    return p;
  }

  /** A file below the fixtures folder. */
  public static Path file(String relative) {
    Path p = dir().resolve(relative);
    assertTrue(Files.exists(p), "fixture missing: " + p);
    return p;
  }

  /** Every gathered sysfs archive in {@code fixtures/sysfs}, sorted by name. */
  public static List<Path> sysfsArchives() throws IOException {
    try (Stream<Path> s = Files.list(dir().resolve("sysfs"))) {
      return s.filter(
              p -> {
                String n = p.getFileName().toString();
                return n.endsWith(".tar.gz") || n.endsWith(".tar.bz2") || n.endsWith(".tar");
              })
          .sorted()
          .toList();
    }
  }

  /** The archive's name without {@code .tar.gz}/{@code .tar.bz2}. */
  public static String stem(Path archive) {
    return archive.getFileName().toString().replaceFirst("\\.tar(\\.gz|\\.bz2)?$", "");
  }
}
