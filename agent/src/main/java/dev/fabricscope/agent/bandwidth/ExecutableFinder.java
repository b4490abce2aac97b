package dev.fabricscope.agent.bandwidth;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Finds helper programs by plain name in a list of directories: the agent's {@code PATH} (only its
 * absolute entries) followed by {@code /usr/local/bin}, {@code /usr/bin} and {@code /bin}, where
 * Debian's perftest, iperf3 and a hand-built nvbandwidth go. The result is the absolute, normalised
 * path that {@link CommandLine} then runs; nothing is resolved through a shell.
 */
public final class ExecutableFinder {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  private static final List<String> DEFAULT_DIRS = List.of("/usr/local/bin", "/usr/bin", "/bin");

  private final List<Path> dirs;

  /** Searches the given directories, in order. */
  public ExecutableFinder(List<Path> dirs) {
    this.dirs = List.copyOf(dirs);
  }

  /** Searches this process's {@code PATH}, then the usual system directories. */
  public static ExecutableFinder fromEnvironment() {
    Set<Path> out = new LinkedHashSet<>();
    String path = System.getenv("PATH");
    List<String> entries = new ArrayList<>(path == null ? List.of() : List.of(path.split(":")));
    entries.addAll(DEFAULT_DIRS);
    for (String e : entries) {
      try {
        Path p = Path.of(e);
        if (p.isAbsolute()) {
          out.add(p.normalize()); // relative PATH entries depend on the working directory: skipped
        }
      } catch (InvalidPathException ignored) {
        // an unusable PATH entry is skipped
      }
    }
    return new ExecutableFinder(List.copyOf(out));
  }

  /** The first regular, executable file of that name, as an absolute normalised path. */
  public Optional<Path> find(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      return Optional.empty();
    }
    for (Path d : dirs) {
      Path f = d.resolve(name).toAbsolutePath().normalize();
      if (Files.isRegularFile(f) && Files.isExecutable(f)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  /** Where it looks, for "not found" messages. */
  public List<Path> dirs() {
    return dirs;
  }
}
