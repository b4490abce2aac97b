package dev.fabricscope.agent.gather;

import dev.fabricscope.sysfs.ArchiveExtractor;
import dev.fabricscope.sysfs.KernelCommandLine;
import dev.fabricscope.sysfs.ReadRecorder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Remembers every file, link and directory a discovery read, for {@link GatherArchive}, within the
 * bounds the importer enforces on the archive ({@link ArchiveExtractor.Limits}): paths (folders the
 * names imply included), block-rounded space and bytes per file are counted as they come, and the
 * first read that would pass one throws {@link LimitExceeded}, which ends the discovery. Without
 * that a tree of sparse files (review 17: 5.4 MB on disk, 42 GB apparent) filled the whole heap,
 * and a gather could write an archive the server would refuse.
 */
public final class GatherRecorder implements ReadRecorder {

  /** The tree holds more than an importable archive may; the message is for a person. */
  public static final class LimitExceeded extends RuntimeException {
    LimitExceeded(String message) {
      super(message, null, false, false);
    }
  }

  /** Block size of the importer's space count ({@code ArchivePlan}). */
  static final long BLOCK = 4096;

  /** What was found at a path. */
  public sealed interface Entry permits FileEntry, LinkEntry, DirEntry, Unreadable {}

  /** A file and the bytes read from it (sysfs sizes lie, so the bytes, not the size, count). */
  public record FileEntry(byte[] content) implements Entry {}

  /** A symbolic link and its text. */
  public record LinkEntry(String text) implements Entry {}

  /** A directory. */
  public record DirEntry() implements Entry {}

  /** A file that could not be read, and why. */
  public record Unreadable(String problem) implements Entry {}

  private final Map<String, Entry> entries = new TreeMap<>();
  private final ArchiveExtractor.Limits limits;

  /** Every path the archive will hold (entries and the folders they imply), with its space. */
  private final Map<String, Long> planned = new HashMap<>();

  private long space;
  private long unreadableBytes;

  /** Bounded by what the server's importer accepts. */
  public GatherRecorder() {
    this(ArchiveExtractor.Limits.DEFAULT);
  }

  /** Bounded by {@code limits} (tests use small ones). */
  public GatherRecorder(ArchiveExtractor.Limits limits) {
    this.limits = limits;
    plan("/", BLOCK);
  }

  /** The one file whose bytes the archive holds redacted ({@link KernelCommandLine}). */
  static final String CMDLINE = "/proc/cmdline";

  @Override
  public synchronized void file(String path, byte[] content) {
    if (path.equals(CMDLINE)) {
      // as in the report (fifteenth security review, finding 3): gathered archives are attached
      // to bug reports, and the kernel command line can hold credentials
      String line = KernelCommandLine.redact(new String(content, StandardCharsets.UTF_8).trim());
      byte[] redacted = (line + "\n").getBytes(StandardCharsets.UTF_8);
      plan(path, blocks(redacted.length));
      entries.put(path, new FileEntry(redacted));
      return;
    }
    if (content.length > limits.maxFileBytes()) {
      throw new LimitExceeded(
          path
              + " has "
              + content.length
              + " bytes, more than an archive may hold in one file ("
              + limits.maxFileBytes()
              + ")");
    }
    plan(path, blocks(content.length)); // counted before the copy is kept
    entries.put(path, new FileEntry(content.clone()));
  }

  @Override
  public synchronized void link(String path, String text) {
    plan(path, BLOCK);
    entries.put(path, new LinkEntry(text));
  }

  @Override
  public synchronized void directory(String path) {
    plan(path, BLOCK);
    entries.putIfAbsent(path, new DirEntry());
  }

  @Override
  public synchronized void unreadable(String path, String problem) {
    // a row of the archive's list of unreadable paths, not a member of its own
    long row =
        path.getBytes(StandardCharsets.UTF_8).length
            + problem.getBytes(StandardCharsets.UTF_8).length
            + 2L;
    long list = unreadableBytes + row;
    check(planned.size() + 1, space + blocks(list) + BLOCK, path);
    unreadableBytes = list;
    entries.put(path, new Unreadable(problem));
  }

  /**
   * Counts {@code path} at {@code cost} bytes of space, and each folder above it not yet counted at
   * one block, as the importer plans them; refuses before anything is kept past a limit. One path
   * and one block stay in reserve for the list of unreadable paths.
   */
  private void plan(String path, long cost) {
    int added = 0;
    long more = cost - planned.getOrDefault(path, 0L);
    if (!planned.containsKey(path)) {
      added++;
    }
    for (int i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) {
      if (planned.containsKey(path.substring(0, i))) {
        break;
      }
      added++;
      more += BLOCK;
    }
    check(planned.size() + added + 1, space + more + blocks(unreadableBytes) + BLOCK, path);
    space += cost - planned.getOrDefault(path, 0L);
    planned.put(path, cost);
    for (int i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) {
      if (planned.putIfAbsent(path.substring(0, i), BLOCK) != null) {
        break;
      }
      space += BLOCK;
    }
  }

  private void check(long paths, long bytes, String at) {
    if (paths > limits.maxEntries()) {
      throw new LimitExceeded(
          "the tree has more than "
              + limits.maxEntries()
              + " paths, more than an archive may hold (at "
              + at
              + ")");
    }
    if (bytes > limits.maxSpaceBytes()) {
      throw new LimitExceeded(
          "the tree would take more than "
              + (limits.maxSpaceBytes() >> 20)
              + " MiB unpacked, more than an archive may hold (at "
              + at
              + ")");
    }
  }

  /**
   * Space of a file of {@code length} bytes as the importer counts it: whole blocks, at least 1.
   */
  static long blocks(long length) {
    return Math.max(1, (length + BLOCK - 1) / BLOCK) * BLOCK;
  }

  /** Everything recorded, sorted by path. */
  public synchronized Map<String, Entry> entries() {
    return new TreeMap<>(entries);
  }
}
