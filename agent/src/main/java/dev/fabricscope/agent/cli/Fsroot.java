package dev.fabricscope.agent.cli;

import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.sysfs.SysfsRoot;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens {@code --fsroot}: {@code /} (the live host), a directory, or a gathered archive unpacked
 * into a temporary directory that {@link #close()} removes. The folder archives are unpacked in is
 * the agent's one setting for it, read here and handed to the extractor: the JVM property {@code
 * fabricscope.tmpdir}, else the environment variable {@code FABRICSCOPE_TMPDIR}, else {@link
 * ArchiveExtractor#defaultTempBase()} ({@code /dev/shm} or {@code java.io.tmpdir}).
 */
public final class Fsroot implements AutoCloseable {
  private final SysfsRoot root;
  private final ArchiveExtractor.Unpacked unpacked;
  private final boolean live;

  private Fsroot(SysfsRoot root, ArchiveExtractor.Unpacked unpacked, boolean live) {
    this.root = root;
    this.unpacked = unpacked;
    this.live = live;
  }

  /** Opens {@code arg} (null: {@code /}); bad input is a {@link UsageException}. */
  public static Fsroot open(String arg) {
    Path p = Path.of(arg == null ? "/" : arg);
    if (!Files.exists(p)) {
      throw new UsageException("--fsroot " + p + ": no such file or directory");
    }
    if (Files.isDirectory(p)) {
      return new Fsroot(SysfsRoot.of(p), null, p.toAbsolutePath().normalize().equals(Path.of("/")));
    }
    if (!Files.isReadable(p)) {
      throw new UsageException("--fsroot " + p + ": not readable");
    }
    try {
      ArchiveExtractor.Unpacked u =
          ArchiveExtractor.extract(p, ArchiveExtractor.Limits.DEFAULT, unpackBase());
      return new Fsroot(u.sysfsRoot(), u, false);
    } catch (ArchiveExtractor.ArchiveException e) {
      throw new UsageException("--fsroot " + p + ": " + e.getMessage());
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
    }
  }
}
