package dev.fabricscope.sysfs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one place every sysfs/procfs read goes through (as hwloc's {@code HWLOC_FSROOT}). Paths are
 * absolute in the host's terms ({@code /sys/bus/pci/devices}) and are read below {@link #root()}.
 *
 * <p>Links are resolved textually and must stay inside the root; the link text of links that leave
 * it (a {@code driver} link in a gathered archive) can still be read with {@link #linkText}. Files
 * are read to EOF because sysfs sizes lie.
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

  Path physical(String path) {
    return path.equals("/") ? root : root.resolve(path.substring(1));
  }

  /** Whether the path exists (without following a final link). */
  public boolean exists(String path) {
    return detachedLinks.containsKey(path)
        || Files.exists(physical(path), LinkOption.NOFOLLOW_LINKS);
  }

  /** Whether the path is a directory (a final link is not followed). */
  public boolean isDirectory(String path) {
    boolean dir = Files.isDirectory(physical(path), LinkOption.NOFOLLOW_LINKS);
    if (dir) {
      recorder.directory(path);
    }
    return dir;
  }

  /** Whether the path is a symbolic link. */
  public boolean isLink(String path) {
    return detachedLinks.containsKey(path) || Files.isSymbolicLink(physical(path));
  }

  /** The names in a directory, sorted; empty when it is missing or unreadable. */
  public List<String> list(String dir) {
    List<String> names = new ArrayList<>();
    try (var stream = Files.newDirectoryStream(physical(dir))) {
      for (Path p : stream) {
        names.add(p.getFileName().toString());
      }
    } catch (IOException e) {
      return List.of();
    }
    // links the archive held but that were not created on disk still belong to the listing
    names.addAll(detachedByDir.getOrDefault(dir, List.of()));
    Collections.sort(names);
    recorder.directory(dir);
    return names;
  }

  /** The text of a symbolic link, without following it. */
  public Optional<String> linkText(String path) {
    String detached = detachedLinks.get(path);
    if (detached != null) {
      recorder.link(path, detached);
      return Optional.of(detached);
    }
    Path p = physical(path);
    if (!Files.isSymbolicLink(p)) {
      return Optional.empty();
    }
    try {
      String text = Files.readSymbolicLink(p).toString();
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
      return isDirectory(path) || Files.isRegularFile(physical(path), LinkOption.NOFOLLOW_LINKS)
          ? Optional.of(path)
          : Optional.empty();
    }
    return SysfsPaths.join(SysfsPaths.parentOf(path), text.get());
  }

  /** Reads a whole file; the problem says "missing", "permission denied", "is a link"... */
  public Read<byte[]> bytes(String path) {
    String known = unreadable.get(path);
    if (known != null) {
      return new Read<>(null, known);
    }
    if (detachedLinks.containsKey(path)) {
      return new Read<>(null, "is a link, not a file");
    }
    Read<byte[]> read;
    // one open with O_NOFOLLOW, no stat first: a scan reads thousands of small files
    try (FileChannel ch =
        FileChannel.open(physical(path), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      byte[] data = readAll(ch);
      recorder.file(path, data);
      return new Read<>(data, null);
    } catch (NoSuchFileException e) {
      return new Read<>(null, "missing");
    } catch (AccessDeniedException e) {
      read = new Read<>(null, "permission denied");
    } catch (FileSystemException e) {
      String msg = String.valueOf(e.getReason());
      if (msg.contains("symbolic link")) {
        return new Read<>(null, "is a link, not a file");
      }
      if (msg.contains("Is a directory")) {
        return new Read<>(null, "is a directory, not a file");
      }
      read = new Read<>(null, "read error: " + msg);
    } catch (IOException e) {
      // sysfs answers some reads with an error (EIO, ENODEV, EINVAL) instead of data
      String msg = e.getMessage();
      if (msg != null && msg.contains("Is a directory")) {
        return new Read<>(null, "is a directory, not a file");
      }
      read = new Read<>(null, "read error: " + (msg == null ? e.getClass().getSimpleName() : msg));
    }
    recorder.unreadable(path, read.problem());
    return read;
  }

  private static final ThreadLocal<ByteBuffer> BUFFER =
      ThreadLocal.withInitial(() -> ByteBuffer.allocate(8192));

  /** Reads to EOF: sysfs reports 4096 as the size of every attribute, whatever it holds. */
  private static byte[] readAll(FileChannel ch) throws IOException {
    ByteBuffer buf = BUFFER.get();
    buf.clear();
    while (true) {
      if (!buf.hasRemaining()) {
        ByteBuffer bigger = ByteBuffer.allocate(buf.capacity() * 2);
        buf.flip();
        bigger.put(buf);
        buf = bigger;
        BUFFER.set(buf);
      }
      if (ch.read(buf) < 0) {
        break;
      }
    }
    buf.flip();
    byte[] out = new byte[buf.remaining()];
    buf.get(out);
    return out;
  }

  /**
   * A directory listed once, whose files are then read without touching the file system for names
   * that are not there (a missing attribute costs nothing).
   */
  public Dir dir(String path) {
    return new Dir(path, new java.util.HashSet<>(list(path)));
  }

  /** A listed directory; see {@link #dir(String)}. */
  public final class Dir {
    private final String path;
    private final java.util.Set<String> names;

    private Dir(String path, java.util.Set<String> names) {
      this.path = path;
      this.names = names;
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
        return new Read<>(null, "missing");
      }
      return SysfsRoot.this.text(full);
    }

    /** Reads a file of this directory (see {@link SysfsRoot#bytes}). */
    public Read<byte[]> bytes(String name) {
      String full = path + "/" + name;
      if (!names.contains(name) && !unreadable.containsKey(full)) {
        return new Read<>(null, "missing");
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
