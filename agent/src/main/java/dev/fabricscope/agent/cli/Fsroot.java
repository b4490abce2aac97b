package dev.fabricscope.agent.cli;

import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.sysfs.SysfsRoot;
import dev.fabricscope.sysfs.TreeGuard;
import dev.fabricscope.sysfs.UnpackFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens {@code --fsroot}: {@code /} (the live host), a directory, or a gathered archive unpacked
 * into a temporary directory that {@link #close()} removes. The folder archives are unpacked in is
 * the agent's one setting for it, read here and handed to the extractor: the JVM property {@code
 * fabricscope.tmpdir}, else the environment variable {@code FABRICSCOPE_TMPDIR}, else {@link
 * ArchiveExtractor#defaultTempBase()} ({@code /dev/shm} or {@code java.io.tmpdir}). Unless that
 * folder is this user's alone, archives go to its subfolder of this user's ({@link UnpackFolder}:
 * {@code /dev/shm} is every user's, fifteenth security review). Leftovers of processes that are
 * gone are removed there first, and a SIGTERM leaves no tree ({@link UnpackCleanup}).
 */
public final class Fsroot implements AutoCloseable {
  private final SysfsRoot root;
  private final ArchiveExtractor.Unpacked unpacked;
  private final boolean live;
  private final UnpackCleanup cleanup;

  private Fsroot(
      SysfsRoot root, ArchiveExtractor.Unpacked unpacked, boolean live, UnpackCleanup cleanup) {
    this.root = root;
    this.unpacked = unpacked;
    this.live = live;
    this.cleanup = cleanup;
  }

  /** Opens {@code arg} (null: {@code /}); bad input is a {@link UsageException}. */
  public static Fsroot open(String arg) {
    Path p = Path.of(arg == null ? "/" : arg);
    if (!Files.exists(p)) {
      throw new UsageException("--fsroot " + p + ": no such file or directory");
    }
    if (Files.isDirectory(p)) {
      Path checked;
      try {
        // root reads a tree only when no other user could swap its folders for links meanwhile
        // (sixteenth security review, finding 1), and through the path it checked
        checked = TreeGuard.check(p);
      } catch (IOException e) {
        throw new UsageException("--fsroot " + p + ": " + e.getMessage());
      }
      return new Fsroot(
          SysfsRoot.of(checked), null, p.toAbsolutePath().normalize().equals(Path.of("/")), null);
    }
    if (!Files.isReadable(p)) {
      throw new UsageException("--fsroot " + p + ": not readable");
    }
    Path base = unpackFolder();
    UnpackCleanup.removeLeftovers(base);
    UnpackCleanup cleanup = new UnpackCleanup(base);
    try {
      ArchiveExtractor.Unpacked u =
          cleanup.unpacking(
              () -> ArchiveExtractor.extract(p, ArchiveExtractor.Limits.DEFAULT, base));
      return new Fsroot(u.sysfsRoot(), u, false, cleanup);
    } catch (ArchiveExtractor.ArchiveException e) {
      cleanup.close();
      throw new UsageException("--fsroot " + p + ": " + e.getMessage());
    } catch (RuntimeException | Error e) {
      cleanup.close();
      throw e;
    }
  }

  /** Where archives are unpacked (see the class comment). */
  static Path unpackBase() {
    String v = System.getProperty("fabricscope.tmpdir");
    if (v == null || v.isBlank()) {
      v = System.getenv("FABRICSCOPE_TMPDIR");
    }
    return v == null || v.isBlank() ? ArchiveExtractor.defaultTempBase() : Path.of(v);
  }

  /**
   * The folder of this user's that archives are unpacked in: {@link #unpackBase()} or its subfolder
   * ({@link UnpackFolder}); one another user holds is refused as bad input, naming it.
   */
  static Path unpackFolder() {
    Path base = unpackBase();
    try {
      return UnpackFolder.of(base);
    } catch (IOException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /**
   * Leaves the removal of an unpacked tree to this object's owner alone: {@code run} closes it
   * after its last scan, before its own shutdown hook lets the JVM go. The clean-up hook had
   * removed the tree while a scan was reading it, and the broken report could be spooled (the diff
   * review of the fourteenth security review). A tree left by a JVM killed outright is removed at
   * the next start ({@link UnpackCleanup#removeLeftovers}).
   */
  public void closedByOwnerOnly() {
    if (cleanup != null) {
      cleanup.close(); // only takes the hook away
    }
  }

  /** Whether the tree is {@code /}: the host the agent runs on. */
  public boolean live() {
    return live;
  }

  /** The tree discovery reads. */
  public SysfsRoot root() {
    return root;
  }

  @Override
  public void close() {
    if (unpacked != null) {
      unpacked.close();
      cleanup.close();
    }
  }
}
