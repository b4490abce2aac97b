package dev.fabricscope.agent.bandwidth;

import dev.fabricscope.sysfs.FileOwners;
import java.io.IOException;
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
 * Debian's perftest, iperf3 and a hand-built nvbandwidth go. The result is the program's real path
 * (links resolved), which {@link CommandLine} then runs; nothing is resolved through a shell. An
 * agent running as root takes only a program that root owns and that neither it, its folder, the
 * folder it was found in nor any folder above it up to {@code /} lets group or others write ({@link
 * #checked}), as {@code sudo}'s {@code secure_path} and OpenSSH's {@code safe_path}: the fourteenth
 * security review ran a stand-in {@code iperf3} of user {@code nobody}, from a world-writable
 * folder on {@code PATH}, as root; the sixteenth renamed root's checked folder away from under a
 * folder of {@code nobody}'s.
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

  /**
   * The first regular, executable file of that name, as its real path (links resolved): the path
   * that was checked is the one that runs, so the program is not looked up again by name at {@code
   * exec} (sixteenth security review, finding 2).
   */
  public Optional<Path> find(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      return Optional.empty();
    }
    for (Path d : dirs) {
      Path f = d.resolve(name).toAbsolutePath().normalize();
      if (Files.isRegularFile(f) && Files.isExecutable(f)) {
        Optional<Path> real = checked(selfUid, f);
        if (real.isPresent()) {
          return real;
        }
      }
    }
    return Optional.empty();
  }

  /** Whether the program at {@code file} may run in a process of user {@code selfUid}. */
  static boolean safeFor(long selfUid, Path file) {
    return checked(selfUid, file).isPresent();
  }

  /**
   * The real path of the program at {@code file} when it may run in a process of user {@code
   * selfUid}: for root, the folder it was found in, the program itself and its real folder must be
   * root's and writable by no group or other user, and so must every folder above it up to {@code
   * /}, except that one above may be written by others when it has the sticky bit (as {@code /tmp}:
   * no one else may then rename root's folder in it). The fourteenth review's rule checked the
   * program's own folder only, and a user owning a folder higher up renamed the checked folder away
   * between the check and the {@code exec}; root ran that user's program (sixteenth security
   * review, finding 2). Other users run anything they can run.
   */
  static Optional<Path> checked(long selfUid, Path file) {
    Path real;
    try {
      real = file.toRealPath();
    } catch (IOException e) {
      return Optional.empty();
    }
    if (selfUid != 0) {
      return Optional.of(real);
    }
    try {
      for (Path p : List.of(file.getParent(), real, real.getParent())) {
        if (!rootsAlone(p, false)) {
          return Optional.empty();
        }
      }
      // the real path holds no link: each folder above is itself, as the exec will meet it
      for (Path up = real.getParent().getParent(); up != null; up = up.getParent()) {
        if (!rootsAlone(up, true)) {
          return Optional.empty();
        }
      }
      return Optional.of(real);
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.empty();
    }
  }

  /** Whether root owns {@code p} and no group or other user may write it (bar a sticky folder). */
  private static boolean rootsAlone(Path p, boolean stickyWritable) throws IOException {
    if (FileOwners.uid(p) != 0) {
      return false;
    }
    int mode = ((Number) Files.getAttribute(p, "unix:mode")).intValue();
    return (mode & 0022) == 0 || (stickyWritable && (mode & 01000) != 0);
  }

  /** Where it looks, for "not found" messages. */
  public List<Path> dirs() {
    return dirs;
  }
}
