package dev.fabricscope.sysfs;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Unpacks a gathered archive ({@code .tar}, {@code .tar.gz}, {@code .tar.bz2}, as
 * hwloc-gather-topology and {@code gather} write them) into a fresh temporary directory, refusing
 * anything hostile.
 *
 * <p>Refused: absolute entry names, {@code ..} components, entries written through a symlink the
 * archive created (the classic "link to /etc, then file under it" escape), hard links, devices and
 * FIFOs, more than {@link Limits#maxEntries} entries or {@link Limits#maxBytes} unpacked bytes (a
 * compression bomb stops at the limit, not at the end of the stream). Symlinks whose target leaves
 * the archive (absolute, or too many {@code ..}) are real in gathered archives ({@code driver ->
 * ../../../../bus/pci/drivers/ice}); they are never created on disk, only their text is kept for
 * {@link SysfsRoot#linkText}. On refusal the temporary directory is removed before the exception
 * leaves.
 */
public final class ArchiveExtractor {

  /** Bounds on what an archive may unpack to. */
  public record Limits(int maxEntries, long maxBytes, long maxFileBytes) {
    /**
     * 100,000 entries, 1 GiB in all, 64 MiB per file: the largest real gather here has 11,500
     * entries.
     */
    public static final Limits DEFAULT = new Limits(100_000, 1L << 30, 64L << 20);
  }

  /** The archive was refused or could not be read; the message is for a person. */
  public static final class ArchiveException extends IOException {
    public ArchiveException(String message) {
      super(message);
    }
  }

  /** An unpacked archive: the directory standing for {@code /} and the links kept as text. */
  public record Unpacked(Path tempDir, Path root, Map<String, String> detachedLinks)
      implements AutoCloseable {
    /** A {@link SysfsRoot} over the unpacked tree. */
    public SysfsRoot sysfsRoot() {
      return new SysfsRoot(root, false, detachedLinks);
    }

    @Override
    public void close() {
      deleteTree(tempDir);
    }
  }

  private ArchiveExtractor() {}

  /**
   * Where archives are unpacked: the system property {@code fabricscope.tmpdir} if set, else {@code
   * /dev/shm} when it is a writable folder (tmpfs: a gathered tree has thousands of tiny files, and
   * creating them on a disk file system can take a millisecond each), else {@code java.io.tmpdir}.
   */
  public static Path tempBase() {
    String prop = System.getProperty("fabricscope.tmpdir");
    if (prop != null && !prop.isBlank()) {
      return Path.of(prop);
    }
    Path shm = Path.of("/dev/shm");
    if (Files.isDirectory(shm) && Files.isWritable(shm)) {
      return shm;
    }
    return Path.of(System.getProperty("java.io.tmpdir"));
  }

  /** Whether a file starts like an archive this class reads (gzip, bzip2 or tar magic). */
  public static boolean looksLikeArchive(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(265);
      return isGzip(head) || isBzip2(head) || isTar(head);
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean isGzip(byte[] h) {
    return h.length >= 2 && (h[0] & 0xff) == 0x1f && (h[1] & 0xff) == 0x8b;
  }

  private static boolean isBzip2(byte[] h) {
    return h.length >= 3 && h[0] == 'B' && h[1] == 'Z' && h[2] == 'h';
  }

  private static boolean isTar(byte[] h) {
    return h.length >= 262
        && new String(h, 257, 5, java.nio.charset.StandardCharsets.US_ASCII).equals("ustar");
  }

  /** Unpacks with {@link Limits#DEFAULT}. */
  public static Unpacked extract(Path archive) throws ArchiveException {
    return extract(archive, Limits.DEFAULT);
  }

  /**
   * Unpacks an archive into a new temporary directory.
   *
   * @throws ArchiveException when the archive is hostile, corrupt, or not a sysfs tree
   */
  public static Unpacked extract(Path archive, Limits limits) throws ArchiveException {
    Path temp;
    try {
      temp = Files.createTempDirectory(tempBase(), "fabricscope-fsroot-");
    } catch (IOException e) {
      throw new ArchiveException("cannot create a temporary directory: " + e.getMessage());
    }
    try {
      Map<String, String> detached = unpack(archive, temp, limits);
      Path root = findRoot(temp, detached);
      Map<String, String> rebased = rebase(detached, temp, root);
      return new Unpacked(temp, root, rebased);
    } catch (ArchiveException e) {
      deleteTree(temp);
      throw e;
    } catch (IOException | RuntimeException e) {
      deleteTree(temp);
      throw new ArchiveException("cannot read archive " + archive + ": " + describe(e));
    }
  }

  private static String describe(Exception e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static InputStream decompress(Path archive) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(archive), 1 << 16);
    raw.mark(300);
    byte[] head = raw.readNBytes(265);
    raw.reset();
    if (isGzip(head)) {
      return new GzipCompressorInputStream(raw, true);
    }
    if (isBzip2(head)) {
      return new BZip2CompressorInputStream(raw, true);
    }
    if (isTar(head)) {
      return raw;
    }
    raw.close();
    throw new ArchiveException(archive + " is not a .tar, .tar.gz or .tar.bz2 archive");
  }

  private static Map<String, String> unpack(Path archive, Path dest, Limits limits)
      throws IOException {
    Map<String, String> detached = new HashMap<>();
    Set<String> links = new HashSet<>();
    long total = 0;
    int entries = 0;
    byte[] buf = new byte[1 << 16];
    try (InputStream in = decompress(archive);
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        if (++entries > limits.maxEntries()) {
          throw new ArchiveException(
              "archive refused: more than " + limits.maxEntries() + " entries");
        }
        String name = checkName(e.getName());
        if (name.isEmpty()) {
          continue;
        }
        assertNotThroughLink(name, links);
        Path target = dest.resolve(name).normalize();
        if (!target.startsWith(dest)) {
          throw new ArchiveException("archive refused: entry " + e.getName() + " leaves the root");
        }
        if (e.isDirectory()) {
          if (Files.isSymbolicLink(target)) {
            throw new ArchiveException("archive refused: directory over a link: " + e.getName());
          }
          Files.createDirectories(target);
        } else if (e.isSymbolicLink()) {
          String text = e.getLinkName();
          Files.createDirectories(target.getParent());
          links.add(name);
          if (staysInside(name, text)) {
            Files.deleteIfExists(target);
            Files.createSymbolicLink(target, Path.of(text));
          } else {
            detached.put("/" + name, text);
          }
        } else if (e.isFile()) {
          Files.createDirectories(target.getParent());
          if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(target)) {
            throw new ArchiveException("archive refused: file over a link: " + e.getName());
          }
          try (OutputStream out = Files.newOutputStream(target)) {
            long fileBytes = 0;
            int n;
            while ((n = tar.read(buf)) > 0) {
              fileBytes += n;
              total += n;
              if (fileBytes > limits.maxFileBytes()) {
                throw new ArchiveException(
                    "archive refused: "
                        + e.getName()
                        + " unpacks to more than "
                        + limits.maxFileBytes()
                        + " bytes");
              }
              if (total > limits.maxBytes()) {
                throw new ArchiveException(
                    "archive refused: unpacks to more than " + limits.maxBytes() + " bytes");
              }
              out.write(buf, 0, n);
            }
          }
        } else if (e.isLink()) {
          throw new ArchiveException("archive refused: hard link " + e.getName());
        } else {
          throw new ArchiveException("archive refused: special file (device, FIFO) " + e.getName());
        }
      }
    }
    if (entries == 0) {
      throw new ArchiveException(archive + " is an empty archive");
    }
    return detached;
  }

  private static String checkName(String raw) throws ArchiveException {
    if (raw.startsWith("/") || raw.matches("^[A-Za-z]:.*")) {
      throw new ArchiveException("archive refused: absolute path " + raw);
    }
    StringBuilder out = new StringBuilder();
    for (String part : raw.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        throw new ArchiveException("archive refused: '..' in " + raw);
      }
      if (part.indexOf('\0') >= 0) {
        throw new ArchiveException("archive refused: NUL in " + raw);
      }
      if (out.length() > 0) {
        out.append('/');
      }
      out.append(part);
    }
    return out.toString();
  }

  private static void assertNotThroughLink(String name, Set<String> links) throws ArchiveException {
    int i = name.indexOf('/');
    while (i > 0) {
      if (links.contains(name.substring(0, i))) {
        throw new ArchiveException(
            "archive refused: "
                + name
                + " would be written through the link "
                + name.substring(0, i));
      }
      i = name.indexOf('/', i + 1);
    }
  }

  /** Whether a relative link at {@code name} with {@code text} resolves inside the archive. */
  private static boolean staysInside(String name, String text) {
    return SysfsPaths.join("/" + SysfsPaths.parentOf("/" + name), text).isPresent();
  }

  /** The folder that stands for {@code /}: the top itself, or its single top folder. */
  private static Path findRoot(Path temp, Map<String, String> detached) throws IOException {
    if (Files.isDirectory(temp.resolve("sys"), LinkOption.NOFOLLOW_LINKS)) {
      return temp;
    }
    try (var stream = Files.list(temp)) {
      var tops = stream.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList();
      for (Path top : tops) {
        if (Files.isDirectory(top.resolve("sys"), LinkOption.NOFOLLOW_LINKS)) {
          return top;
        }
      }
    }
    throw new ArchiveException("not a sysfs tree: the archive has no sys/ folder at its top");
  }

  private static Map<String, String> rebase(Map<String, String> detached, Path temp, Path root) {
    if (root.equals(temp)) {
      return detached;
    }
    String prefix = "/" + temp.relativize(root).toString().replace('\\', '/');
    Map<String, String> out = new HashMap<>();
    detached.forEach(
        (k, v) -> {
          if (k.startsWith(prefix + "/")) {
            out.put(k.substring(prefix.length()), v);
          }
        });
    return out;
  }

  /** Removes a directory tree without following links. */
  public static void deleteTree(Path dir) {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException ignored) {
                  // best effort: a file we cannot delete stays in the temp dir
                }
              });
    } catch (IOException ignored) {
      // nothing more to do
    }
  }
}
