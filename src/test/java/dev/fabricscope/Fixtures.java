package dev.fabricscope;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The shared real-machine fixtures, found through the {@code fabricscope.fixtures} property. */
public final class Fixtures {

  // A function node in `lspci -t`: "dd.f" right after a tree edge ("-", "+-", "\-"), followed by
  // a bridge's bus range, a branch, or the two spaces before the device name. Bus brackets
  // ("[0000:00]", "[01-06]") and digits inside device names never sit in that position.
  private static final Pattern FUNCTION_NODE =
      Pattern.compile("(?<=-)[0-9a-f]{2}\\.[0-7](?=-|  |$)", Pattern.MULTILINE);

  private Fixtures() {}

  /** The fixtures root ({@code ../shared/fixtures}). */
  public static Path root() {
    String dir = System.getProperty("fabricscope.fixtures");
    if (dir == null) {
      throw new IllegalStateException("system property fabricscope.fixtures is not set (see pom)");
    }
    return Path.of(dir);
  }

  /** The {@code lspci -tvnn} oracle beside a sysfs archive. */
  public static Path lspciOracle(String name) {
    return root().resolve("sysfs").resolve(name + ".lspci-tvnn.txt");
  }

  /** Number of PCI functions in an {@code lspci -tvnn} tree: one {@code dd.f} node each. */
  public static int countLspciFunctions(Path oracle) throws IOException {
    int count = 0;
    for (String line : Files.readAllLines(oracle)) {
      if (line.startsWith("#")) {
        continue;
      }
      Matcher m = FUNCTION_NODE.matcher(line);
      while (m.find()) {
        count++;
      }
    }
    return count;
  }
}
