package dev.fabricscope.sysfs;

import dev.fabricscope.limits.ParseDeadline;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Unpacks a gathered archive ({@code .tar}, {@code .tar.gz}, {@code .tar.bz2}, as
 * hwloc-gather-topology and {@code gather} write them) into a fresh temporary directory, refusing
 * anything hostile.
 *
 * <p>Safe by construction, in three steps: (1) every header is checked and planned ({@link
 * ArchivePlan}) and every link judged ({@link LinkResolver}) before a byte is written — absolute
 * names, {@code ..} components, hard links, devices, FIFOs, sparse and unknown entry types, two
 * entries of one name, entries under a link or a file, more than {@link Limits#maxEntries} planned
 * paths or {@link Limits#maxSpaceBytes} bytes of block-rounded space, names or link texts too long
 * or too deep, oversized long name and PAX headers ({@link GuardedTarInputStream}), and a tree
 * without {@code sys/} are refused; (2) folders and files are written while no link exists on disk,
 * files with {@code CREATE_NEW} and {@code NOFOLLOW_LINKS}; (3) only then are the links created
 * whose resolution on disk, following the archive's other links as the kernel would, stays inside
 * the folder. The others are real in gathered archives ({@code driver ->
 * ../../../../bus/pci/drivers/ice}); they are never created on disk, only their text is kept for
 * {@link SysfsRoot#linkText}. On refusal, or any other failure, the temporary directory is removed
 * before the exception leaves.
 */
public final class ArchiveExtractor {

  /**
   * Bounds on what an archive may unpack to.
   *
   * @param maxEntries planned paths at most: headers read, and files, folders (those that names
   *     only imply included) and symlinks planned
   * @param maxSpaceBytes space on disk the unpacked tree may take, in bytes: every planned path
   *     costs its size rounded up to whole {@value ArchivePlan#BLOCK}-byte blocks, at least one
   *     block (a folder, a symlink, an empty or one-byte file each cost one block), as on tmpfs and
   *     ext4. Counting content bytes instead let 100,000 one-byte files take 400 MB.
   * @param maxFileBytes content of one file at most, in bytes
   */
  public record Limits(int maxEntries, long maxSpaceBytes, long maxFileBytes) {
    /**
     * 100,000 paths, 512 MiB of space, 64 MiB per file. The largest real gather under
     * shared/fixtures/sysfs (hwloc-40intel64-2g2n4c+pcilocality) plans 11,495 paths taking 44.9 MiB
     * block-rounded (47,120,384 bytes; 141,022 content bytes), its largest file is 34 KB: the
     * limits leave 8.7 times its paths and 11.4 times its space, for hosts of hundreds of CPUs
     * (each adds about 90 paths) and PCI functions. Two imports at once (the server's default) stay
     * within the Helm chart's 2 GiB /tmp, staged uploads included (values.yaml shows the sum).
     */
    public static final Limits DEFAULT = new Limits(100_000, 512L << 20, 64L << 20);
  }

  /** The archive was refused or could not be read; the message is for a person. */
  public static final class ArchiveException extends IOException {
    public ArchiveException(String message) {
      super(message);
    }

    /** With the failure behind it, so that a caller can tell a full disk from a bad archive. */
    public ArchiveException(String message, Throwable cause) {
      super(message, cause);
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
   * Where archives are unpacked when the caller names no folder: {@code /dev/shm} when it is a
   * writable folder (tmpfs: a gathered tree has thousands of tiny files, and creating them on a
   * disk file system can take a millisecond each), else {@code java.io.tmpdir}. The server passes
   * its {@code fabricscope.tmpdir} setting and the agent its own instead, through {@link
   * #extract(Path, Limits, Path)}: this library reads no configuration.
   */
  public static Path defaultTempBase() {
    Path shm = Path.of("/dev/shm");
    if (Files.isDirectory(shm) && Files.isWritable(shm)) {
      return shm;
    }
    return Path.of(System.getProperty("java.io.tmpdir"));
  }

  /** Whether a file starts like an archive this class reads (gzip, bzip2 or tar magic). */
  public static boolean looksLikeArchive(Path file) {
    return ArchiveFormat.looksLikeArchive(file);
  }

  /** Whether content read into memory starts like an archive this class reads. */
  public static boolean looksLikeArchive(byte[] head) {
    return ArchiveFormat.isArchive(head);
  }

  /** Unpacks with {@link Limits#DEFAULT} under {@link #defaultTempBase()}. */
  public static Unpacked extract(Path archive) throws ArchiveException {
    return extract(archive, Limits.DEFAULT, defaultTempBase());
  }

  /** Unpacks under {@link #defaultTempBase()}. */
  public static Unpacked extract(Path archive, Limits limits) throws ArchiveException {
    return extract(archive, limits, defaultTempBase());
  }

  /**
   * Unpacks an archive into a new temporary directory.
   *
   * @param tempBase the folder the temporary directory is created in
   * @throws ArchiveException when the archive is hostile, corrupt, or not a sysfs tree
   */
  public static Unpacked extract(Path archive, Limits limits, Path tempBase)
      throws ArchiveException {
    Path temp;
    try {
      // the pid lets a later start tell an earlier run's leftover from a live server's tree
      temp = Files.createTempDirectory(tempBase, UnpackTemps.ownPrefix(UnpackTemps.TREE_PREFIX));
    } catch (IOException e) {
      throw new ArchiveException("cannot create a temporary directory: " + e.getMessage(), e);
    }
    boolean unpacked = false;
    try {
      Unpacked u = unpack(archive, temp, limits);
      unpacked = true;
      return u;
    } catch (ArchiveException | ParseDeadline.ExceededException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new ArchiveException("cannot read archive " + archive + ": " + describe(e), e);
    } finally {
      // on any Throwable, an Error included (it still reaches the caller): a half-written tree
      // must not outlive the call, or every failed import leaves one behind
      if (!unpacked) {
        deleteTree(temp);
      }
    }
  }

  private static String describe(Exception e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /**
   * Plans the whole archive from its headers, then writes folders and files, then creates the links
   * the plan judged to stay inside; returns the links kept as text only.
   */
  private static Unpacked unpack(Path archive, Path dest, Limits limits) throws IOException {
    ArchivePlan plan = new ArchivePlan(limits);
    try (TarArchiveInputStream tar = open(archive, limits)) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        stopIfInterrupted();
        plan.add(e); // the data is skipped: nothing is written until every header passed
      }
    }
    if (plan.entries() == 0) {
      throw new ArchiveException(archive + " is an empty archive");
    }
    String rootName = plan.root();
    // links are judged before anything is written: judging can refuse the archive (its budget)
    LinkResolver resolver = new LinkResolver(plan.nodes());
    Map<String, String> inside = new LinkedHashMap<>();
    Map<String, String> detached = new HashMap<>();
    for (Map.Entry<String, ArchivePlan.Node> n : plan.nodes().entrySet()) {
      if (n.getValue().kind() == ArchivePlan.Kind.LINK) {
        String text = n.getValue().linkText();
        if (resolver.staysInside(n.getKey())) {
          inside.put(n.getKey(), text);
        } else {
          detached.put("/" + n.getKey(), text);
        }
      }
    }
    FileNames.requireUsable(dest, plan.nodes().keySet(), inside.values());
    writeFilesAndFolders(archive, dest, limits, plan);
    for (Map.Entry<String, String> l : inside.entrySet()) {
      Files.createSymbolicLink(dest.resolve(l.getKey()), Path.of(l.getValue()));
    }
    Path root = rootName.isEmpty() ? dest : dest.resolve(rootName);
    return new Unpacked(dest, root, rebase(detached, dest, root));
  }

  /**
   * The second pass: the same archive again, each entry held to its plan (a file that changed in
   * between is refused), folders created one by one and files opened with {@code CREATE_NEW} and
   * {@code NOFOLLOW_LINKS}. No link exists on disk yet, so no write can go through one.
   */
  private static void writeFilesAndFolders(Path archive, Path dest, Limits limits, ArchivePlan plan)
      throws IOException {
    for (Map.Entry<String, ArchivePlan.Node> n : plan.nodes().entrySet()) {
      if (n.getValue().kind() == ArchivePlan.Kind.DIR) {
        Files.createDirectory(dest.resolve(n.getKey()));
      }
    }
    byte[] buf = new byte[1 << 16];
    int seen = 0;
    try (TarArchiveInputStream tar = open(archive, limits)) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        stopIfInterrupted();
        seen++;
        String name = ArchivePlan.checkName(e.getName());
        ArchivePlan.Node node = plan.nodes().get(name);
        if (name.isEmpty() || !e.isFile() || e.isSymbolicLink() || e.isDirectory()) {
          continue;
        }
        if (node == null || node.kind() != ArchivePlan.Kind.FILE || node.size() != e.getSize()) {
          throw ArchivePlan.refused(e.getName() + " changed while it was read");
        }
        try (OutputStream out =
            Files.newOutputStream(
                dest.resolve(name),
                StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
          long left = node.size();
          int r;
          while ((r = tar.read(buf)) > 0) {
            left -= r;
            if (left < 0) {
              throw ArchivePlan.refused(e.getName() + " holds more than its header says");
            }
            out.write(buf, 0, r);
          }
        }
      }
    }
    if (seen != plan.entries()) {
      throw ArchivePlan.refused("the archive changed while it was read");
    }
  }

  /**
   * A shutdown (interrupt) or a passed {@link ParseDeadline} stops the unpacking at the next entry,
   * so the caller's cleanup removes a folder that no longer grows.
   */
  private static void stopIfInterrupted() throws ArchiveException {
    ParseDeadline.check();
    if (Thread.currentThread().isInterrupted()) {
      throw new ArchiveException("unpacking stopped: the process is shutting down");
    }
  }

  /**
   * The tar stream over the decompressed archive, which may yield no more than the space limit
   * (never less than the content it bounds) plus the headers of the most entries allowed: a
   * compression bomb stops there.
   */
  private static TarArchiveInputStream open(Path archive, Limits limits) throws IOException {
    long bound = limits.maxSpaceBytes() + (limits.maxEntries() + 2L) * 3 * 512;
    return new GuardedTarInputStream(
        new BoundedInputStream(ParseDeadline.guard(ArchiveFormat.decompress(archive)), bound));
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

  /**
   * Removes a directory tree without following links at any level, relative to open folders ({@link
   * TreeRemoval}; fifteenth security review, finding 1).
   */
  public static void deleteTree(Path dir) {
    TreeRemoval.delete(dir);
  }
}
