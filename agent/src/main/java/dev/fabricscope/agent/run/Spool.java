package dev.fabricscope.agent.run;

import dev.fabricscope.sysfs.FileOwners;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The durable queue of reports waiting for the server: one file per report in a directory, named by
 * a sequence number that only grows ({@code 0000000000000042.json}), so the directory listing is
 * the send order and survives agent restarts and crashes.
 *
 * <p>A report becomes visible only complete: it is written to a dot-prefixed temporary file,
 * fsync'ed, renamed atomically into place and the directory is fsync'ed (else a power loss can lose
 * the rename). Leftover temporary files of a crashed write are removed on {@link #open}.
 *
 * <p>Bounded by a number of files and of bytes: when a new report would exceed either, the oldest
 * are dropped (and logged) first — the newest report is what the server's "latest" needs; the
 * history is kept as long as it fits. Reports the server refused (4xx) are parked in {@code
 * rejected/} for a human, keeping the newest {@value #KEEP_REJECTED}.
 *
 * <p>The folder and {@code rejected/} must be this agent's alone ({@link SpoolFolder}), and links
 * in them are never followed.
 *
 * <p>A lock file keeps two agents from sharing a spool. Not thread-safe: the run loop owns it.
 */
public final class Spool implements AutoCloseable {

  /** Limits of the spool. */
  public record Bounds(int maxFiles, long maxBytes) {
    /** 1,000 reports or 256 MiB: weeks of hourly changes of a large host. */
    public static final Bounds DEFAULT = new Bounds(1000, 256L << 20);

    public Bounds {
      if (maxFiles < 1 || maxBytes < 1) {
        throw new IllegalArgumentException("spool bounds must be positive");
      }
    }
  }

  /** One spooled report. */
  public record Entry(long seq, Path file, long size) {}

  static final int KEEP_REJECTED = 20;
  private static final Pattern NAME = Pattern.compile("(\\d{16})\\.json");

  private final Path dir;
  private final Bounds bounds;
  private final Consumer<String> log;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Deque<Entry> entries = new ArrayDeque<>();
  private long bytes;
  private long nextSeq;

  private Spool(Path dir, Bounds bounds, Consumer<String> log, FileChannel ch, FileLock lock) {
    this.dir = dir;
    this.bounds = bounds;
    this.log = log;
    this.lockChannel = ch;
    this.lock = lock;
  }

  /**
   * Opens (creating if needed) the spool in {@code dir} and loads the reports a previous run left.
   *
   * @throws IOException when the directory cannot be created or read, or another agent holds it
   */
  public static Spool open(Path dir, Bounds bounds, Consumer<String> log) throws IOException {
    SpoolFolder.prepare(dir);
    Path lockFile = dir.resolve(".lock");
    if (Files.isSymbolicLink(lockFile)) {
      // planted before the folder was made private: removed, never opened through
      log.accept("spool: removed .lock, a symbolic link, without following it");
      Files.delete(lockFile);
    }
    FileChannel ch =
        FileChannel.open(
            lockFile,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      ch.close();
      throw new IOException("spool " + dir + " is in use by another agent");
    }
    Spool s = new Spool(dir, bounds, log, ch, lock);
    try {
      s.load();
      Path rejected = dir.resolve("rejected");
      if (Files.exists(rejected, LinkOption.NOFOLLOW_LINKS)) {
        SpoolFolder.check(rejected); // at start (exit 2), not at the first refused report
      }
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
    return s;
  }

  private void load() throws IOException {
    List<Entry> found = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        Matcher m = NAME.matcher(name);
        if (Files.isSymbolicLink(p)) {
          // never written by an agent: read through, it would send whatever it names
          log.accept("spool: removed " + name + ", a symbolic link, without following it");
          Files.delete(p);
        } else if (m.matches() && !ours(p)) {
          // planted by another user while the folder was open to others: never sent as a report
          log.accept("spool: removed " + name + ", a file of another user, unread");
          Files.delete(p);
        } else if (m.matches() && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          found.add(new Entry(Long.parseLong(m.group(1)), p, Files.size(p)));
        } else if (name.startsWith(".tmp-")) {
          // an interrupted write: never renamed, so never acknowledged as spooled
          Files.deleteIfExists(p);
        }
      }
    }
    found.sort(Comparator.comparingLong(Entry::seq));
    for (Entry e : found) {
      entries.addLast(e);
      bytes += e.size();
    }
    nextSeq = found.isEmpty() ? 1 : found.get(found.size() - 1).seq() + 1;
  }

  /** Whether {@code p} belongs to this process's user (true where that cannot be told). */
  private static boolean ours(Path p) throws IOException {
    long self = FileOwners.effectiveUid();
    return self < 0 || FileOwners.uid(p) == self;
  }

  /** Spools a report durably, dropping the oldest first when the bounds would be exceeded. */
  public Entry add(byte[] body) throws IOException {
    // the newest report is always kept, even alone above the byte bound
    while (!entries.isEmpty()
        && (entries.size() + 1 > bounds.maxFiles() || bytes + body.length > bounds.maxBytes())) {
      Entry old = entries.peekFirst();
      remove(old);
      log.accept(
          "spool full ("
              + bounds.maxFiles()
              + " files / "
              + bounds.maxBytes()
              + " bytes): dropped oldest report seq="
              + old.seq()
              + " bytes="
              + old.size());
    }
    long seq = nextSeq++;
    Path target = dir.resolve(String.format("%016d.json", seq));
    Path tmp = dir.resolve(".tmp-" + seq);
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS)) {
      ByteBuffer buf = ByteBuffer.wrap(body);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    move(tmp, target);
    syncDir(dir);
    Entry e = new Entry(seq, target, body.length);
    entries.addLast(e);
    bytes += body.length;
    return e;
  }

  /** The report to send next. */
  public Optional<Entry> oldest() {
    return Optional.ofNullable(entries.peekFirst());
  }

  /** The most recently spooled report. */
  public Optional<Entry> newest() {
    return Optional.ofNullable(entries.peekLast());
  }

  /** A spooled report's bytes. */
  public byte[] read(Entry e) throws IOException {
    return Files.readAllBytes(e.file());
  }

  /** Removes a report the server acknowledged (2xx). */
  public void delete(Entry e) throws IOException {
    remove(e);
  }

  /** Moves a report the server refused into {@code rejected/}, keeping the newest few there. */
  public void park(Entry e) throws IOException {
    Path rejected = SpoolFolder.prepare(dir.resolve("rejected"));
    move(e.file(), rejected.resolve(e.file().getFileName()));
    entries.remove(e);
    bytes -= e.size();
    syncDir(dir);
    List<Path> parked = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(rejected, "*.json")) {
      ds.forEach(parked::add);
    }
    parked.sort(Comparator.comparing(p -> p.getFileName().toString()));
    for (int i = 0; i < parked.size() - KEEP_REJECTED; i++) {
      Files.deleteIfExists(parked.get(i));
    }
  }

  /** Reports waiting. */
  public int depth() {
    return entries.size();
  }

  /** Bytes waiting. */
  public long bytes() {
    return bytes;
  }

  /** The spool directory. */
  public Path dir() {
    return dir;
  }

  private void remove(Entry e) throws IOException {
    try {
      Files.delete(e.file());
    } catch (NoSuchFileException gone) {
      // removed behind our back: the queue still forgets it
    }
    entries.remove(e);
    bytes -= e.size();
    syncDir(dir);
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("spool needs atomic rename (" + from.getParent() + ")", e);
    }
  }

  /** Makes renames and deletes durable; not every platform can open a directory, so best effort. */
  private static void syncDir(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UncheckedIOException e) {
      // Linux supports it; elsewhere the rename is still atomic, only its durability is weaker
    }
  }

  /** Releases the lock; the files stay for the next run. */
  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      lockChannel.close();
    }
  }
}
