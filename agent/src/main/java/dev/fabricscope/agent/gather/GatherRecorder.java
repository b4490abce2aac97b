package dev.fabricscope.agent.gather;

import dev.fabricscope.sysfs.KernelCommandLine;
import dev.fabricscope.sysfs.ReadRecorder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/** Remembers every file, link and directory a discovery read, for {@link GatherArchive}. */
public final class GatherRecorder implements ReadRecorder {

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

  /** The one file whose bytes the archive holds redacted ({@link KernelCommandLine}). */
  static final String CMDLINE = "/proc/cmdline";

  @Override
  public synchronized void file(String path, byte[] content) {
    if (path.equals(CMDLINE)) {
      // as in the report (fifteenth security review, finding 3): gathered archives are attached
      // to bug reports, and the kernel command line can hold credentials
      String line = KernelCommandLine.redact(new String(content, StandardCharsets.UTF_8).trim());
      entries.put(path, new FileEntry((line + "\n").getBytes(StandardCharsets.UTF_8)));
      return;
    }
    entries.put(path, new FileEntry(content.clone()));
  }

  @Override
  public synchronized void link(String path, String text) {
    entries.put(path, new LinkEntry(text));
  }

  @Override
  public synchronized void directory(String path) {
    entries.putIfAbsent(path, new DirEntry());
  }

  @Override
  public synchronized void unreadable(String path, String problem) {
    entries.put(path, new Unreadable(problem));
  }

  /** Everything recorded, sorted by path. */
  public synchronized Map<String, Entry> entries() {
    return new TreeMap<>(entries);
  }
}
