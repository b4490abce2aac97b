package dev.fabricscope.sysfs;

import dev.fabricscope.limits.ParseDeadline;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one place every sysfs/procfs read goes through (as hwloc's {@code HWLOC_FSROOT}). Paths are
 * absolute in the host's terms ({@code /sys/bus/pci/devices}) and are read below {@link #root()}.
 *
 * <p>Below a directory root every link on a path, in any component, is resolved inside the root
 * ({@link RootWalk}); one that leaves it is not followed, what lies behind it reads as unreadable
 * and the link is reported ({@link #takeRefusedLinks}). The link text of links that leave (a {@code
 * driver} link in a gathered archive) can still be read with {@link #linkText}. Only regular files
 * are read, to EOF because sysfs sizes lie, and at most {@link FileReads#MAX_BYTES} bytes.
 */
public final class SysfsRoot {

  /** Why a read gave nothing. */
  public record Read<T>(T value, String problem) {
    public boolean ok() {
      return value != null;
    }
  }

  private final Path root;
  private final boolean live;
  private final Map<String, String> detachedLinks;
  private final Map<String, List<String>> detachedByDir = new java.util.HashMap<>();
  private final Map<String, String> unreadable;
  private final RootWalk walk;
  private volatile ReadRecorder recorder = ReadRecorder.NONE;

  /**
   * In a gathered tree: files that could not be read on the original host, with the reason, one
   * {@code path<TAB>reason} per line, so a collect on the archive reports what the live host did.
   */
  public static final String UNREADABLE_FILE = "/.fabricscope-unreadable.tsv";

  /**
   * @param root the directory that stands for {@code /}
   * @param live whether this is the running system's own {@code /}
   * @param detachedLinks link path to link text for links an archive held but that were not created
   *     on disk because they leave the root
   */
  public SysfsRoot(Path root, boolean live, Map<String, String> detachedLinks) {
    this.root = root.toAbsolutePath().normalize();
    this.live = live;
    this.walk = new RootWalk(this.root, live);
    this.detachedLinks = Map.copyOf(detachedLinks);
    this.detachedLinks
        .keySet()
        .forEach(
            l ->
                detachedByDir
                    .computeIfAbsent(SysfsPaths.parentOf(l), k -> new ArrayList<>())
                    .add(SysfsPaths.baseName(l)));
    this.unreadable = live ? Map.of() : UnreadableList.load(this.root);
  }

  /** A directory (or {@code /} itself) as the fsroot; {@code /} is the live system. */
  public static SysfsRoot of(Path dir) {
    Path abs = dir.toAbsolutePath().normalize();
    return new SysfsRoot(abs, abs.getParent() == null, Map.of());
  }

  public Path root() {
    return root;
  }

  /** Records every successful read, for {@code gather}. */
  public void setRecorder(ReadRecorder recorder) {
    this.recorder = recorder == null ? ReadRecorder.NONE : recorder;
  }

  private RootWalk.Place place(String path, boolean followLast) {
    // every read, listing and link of a discovery passes here: an import's deadline is kept
    ParseDeadline.check();
    return walk.locate(path, followLast);
  }

  /**
   * The links that were not followed because they leave the root, and the names that could not be
   * used as file names ({@link RootWalk#unnamable}), path to why, since the last call; the caller
   * reports them, so that what lies behind them is never silently absent.
   */
  public Map<String, String> takeRefusedLinks() {
    return walk.takeRefused();
  }

  /** Whether the path exists (without following a final link). */
  public boolean exists(String path) {
    if (detachedLinks.containsKey(path)) {
      return true;
    }
    RootWalk.Place p = place(path, false);
    return p.ok() && Files.exists(p.path(), LinkOption.NOFOLLOW_LINKS);
  }

  /** Whether the path is a directory (a final link is not followed). */
  public boolean isDirectory(String path) {
    RootWalk.Place p = place(path, false);
    boolean dir = p.ok() && Files.isDirectory(p.path(), LinkOption.NOFOLLOW_LINKS);
    if (dir) {
      recorder.directory(path);
    }
    return dir;
  }

  /** Whether the path is a symbolic link. */
  public boolean isLink(String path) {
    if (detachedLinks.containsKey(path)) {
      return true;
    }
    RootWalk.Place p = place(path, false);
    return p.ok() && Files.isSymbolicLink(p.path());
  }

  /** The names in a directory, sorted; empty when it is missing or unreadable. */
  public List<String> list(String dir) {
    return listing(dir).value();
  }

  /** The names in a directory, or (with an empty list) why it could not be listed. */
  private Read<List<String>> listing(String dir) {
    RootWalk.Place p = place(dir, true);
    if (!p.ok()) {
      return new Read<>(List.of(), p.problem());
    }
    List<String> names = new ArrayList<>();
    try (var stream = Files.newDirectoryStream(p.path())) {
      for (Path e : stream) {
        String name = e.getFileName().toString();
        try {
          p.path().resolve(name); // the name as decoded must name a file again, or it is skipped
          names.add(name);
        } catch (InvalidPathException x) {
          walk.unnamable((dir.endsWith("/") ? dir : dir + "/") + name);
        }
      }
    } catch (IOException e) {
      return new Read<>(List.of(), RootWalk.MISSING);
    }
    // links the archive held but that were not created on disk still belong to the listing
    names.addAll(detachedByDir.getOrDefault(dir, List.of()));
    Collections.sort(names);
    recorder.directory(dir);
    return new Read<>(names, null);
  }

  /** The text of a symbolic link, without following it. */
  public Optional<String> linkText(String path) {
    String detached = detachedLinks.get(path);
    if (detached != null) {
      recorder.link(path, detached);
      return Optional.of(detached);
    }
    RootWalk.Place p = place(path, false);
    if (!p.ok() || !Files.isSymbolicLink(p.path())) {
      return Optional.empty();
    }
    try {
      String text = Files.readSymbolicLink(p.path()).toString();
      recorder.link(path, text);
      return Optional.of(text);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Resolves a path whose last component may be a link: a directory stays itself, a link becomes
   * the normalized path it points to. Empty when missing, or when the link leaves the root.
   */
  public Optional<String> resolve(String path) {
    Optional<String> text = linkText(path);
    if (text.isEmpty()) {
      RootWalk.Place p = place(path, false);
      return p.ok()
              && (isDirectory(path) || Files.isRegularFile(p.path(), LinkOption.NOFOLLOW_LINKS))
          ? Optional.of(path)
          : Optional.empty();
    }
    // the text alone can stay inside while a link it passes through leaves (d/l/.. with d/l -> /x)
    if (!detachedLinks.containsKey(path) && place(path, true).refusedLink() != null) {
      return Optional.empty();
    }
    return SysfsPaths.join(SysfsPaths.parentOf(path), text.get());
  }

  /**
   * Reads a whole file, at most {@link FileReads#MAX_BYTES}; the problem says "missing",
   * "permission denied", "is a link", "not a regular file", "larger than 8 MiB", or names the link
   * on the way that leaves the root.
   */
  public Read<byte[]> bytes(String path) {
    String known = unreadable.get(path);
    if (known != null) {
      return new Read<>(null, known);
    }
    if (detachedLinks.containsKey(path)) {
      return new Read<>(null, FileReads.IS_LINK);
    }
    RootWalk.Place p = place(path, false);
    Read<byte[]> read = p.ok() ? FileReads.read(p.path()) : new Read<>(null, p.problem());
    if (read.ok()) {
      recorder.file(path, read.value());
    } else if (!FileReads.NOT_UNREADABLE.contains(read.problem())) {
      recorder.unreadable(path, read.problem());
    }
    return read;
  }

  /**
   * A directory listed once, whose files are then read without touching the file system for names
   * that are not there (a missing attribute costs nothing).
   */
  public Dir dir(String path) {
    Read<List<String>> l = listing(path);
    return new Dir(path, new java.util.HashSet<>(l.value()), l.problem());
  }

  /** A listed directory; see {@link #dir(String)}. */
  public final class Dir {
    private final String path;
    private final java.util.Set<String> names;
    private final String absent;

    private Dir(String path, java.util.Set<String> names, String problem) {
      this.path = path;
      this.names = names;
      this.absent = problem == null ? RootWalk.MISSING : problem;
    }

    /** A file the listing does not hold: missing, or behind a link that leaves the root. */
    private <T> Read<T> absent(String full) {
      if (!absent.equals(RootWalk.MISSING)) {
        recorder.unreadable(full, absent);
      }
      return new Read<>(null, absent);
    }

    public String path() {
      return path;
    }

    /** Whether the directory holds this name. */
    public boolean has(String name) {
      return names.contains(name);
    }

    /** Reads a file of this directory (see {@link SysfsRoot#text}). */
    public Read<String> text(String name) {
      String full = path + "/" + name;
      if (!names.contains(name) && !unreadable.containsKey(full)) {
        return absent(full);
      }
      return SysfsRoot.this.text(full);
    }

    /** Reads a file of this directory (see {@link SysfsRoot#bytes}). */
    public Read<byte[]> bytes(String name) {
      String full = path + "/" + name;
      if (!names.contains(name) && !unreadable.containsKey(full)) {
        return absent(full);
      }
      return SysfsRoot.this.bytes(full);
    }

    /** The trimmed text of a file, empty when it cannot be read. */
    public Optional<String> textOpt(String name) {
      return Optional.ofNullable(text(name).value());
    }

    /** The text of a link in this directory. */
    public Optional<String> linkText(String name) {
      return names.contains(name) ? SysfsRoot.this.linkText(path + "/" + name) : Optional.empty();
    }
  }

  /** Reads a text file, trimmed of surrounding whitespace. */
  public Read<String> text(String path) {
    Read<byte[]> raw = bytes(path);
    if (!raw.ok()) {
      return new Read<>(null, raw.problem());
    }
    return new Read<>(new String(raw.value(), StandardCharsets.UTF_8).trim(), null);
  }

  /** Reads a text file, trimmed; empty when it cannot be read. */
  public Optional<String> textOpt(String path) {
    return Optional.ofNullable(text(path).value());
  }
}
