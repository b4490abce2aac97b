package dev.fabricscope.agent.bandwidth;

import dev.fabricscope.sysfs.FileOwners;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
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
 * path that {@link CommandLine} then runs; nothing is resolved through a shell. An agent running as
 * root takes only a program that root owns and that neither it, its folder nor the folder it was
 * found in lets group or others write ({@link #safeFor}), as {@code sudo}'s {@code secure_path}:
 * the fourteenth security review ran a stand-in {@code iperf3} of user {@code nobody}, from a
 * world-writable folder on {@code PATH}, as root.
 */
public final class ExecutableFinder {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  private static final List<String> DEFAULT_DIRS = List.of("/usr/local/bin", "/usr/bin", "/bin");

  private final List<Path> dirs;
  private final long selfUid;

  /** Searches the given directories, in order, for this process's user. */
  public ExecutableFinder(List<Path> dirs) {
    this(dirs, FileOwners.effectiveUid());
  }

  /** Searches the given directories, in order, for a process of user {@code selfUid}. */
  ExecutableFinder(List<Path> dirs, long selfUid) {
    this.dirs = List.copyOf(dirs);
    this.selfUid = selfUid;
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
      if (Files.isRegularFile(f) && Files.isExecutable(f) && safeFor(selfUid, f)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  /**
   * Whether the program at {@code file} may run in a process of user {@code selfUid}: for root, the
   * folder it was found in, the program itself and its real folder (links followed) must be root's
   * and writable by no group or other user; for other users, anything they can run.
   */
  static boolean safeFor(long selfUid, Path file) {
    if (selfUid != 0) {
      return true;
    }
    try {
      Path real = file.toRealPath();
      for (Path p : List.of(file.getParent(), real, real.getParent())) {
        if (FileOwners.uid(p) != 0) {
          return false;
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(p);
        if (mode.contains(PosixFilePermission.GROUP_WRITE)
            || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
          return false;
        }
      }
      return true;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** Where it looks, for "not found" messages. */
  public List<Path> dirs() {
    return dirs;
  }
}
