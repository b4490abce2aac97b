package dev.fabricscope.agent.gather;

import dev.fabricscope.sysfs.ReadRecorder;
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

  @Override
  public synchronized void file(String path, byte[] content) {
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
