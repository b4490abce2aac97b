package dev.fabricscope.demo;

import dev.fabricscope.sysfs.ArchiveExtractor;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The temporary files and folders the demo loader holds right now, so that shutdown can remove
 * whatever a loader that did not finish in time still holds (its own {@code finally} removes them
 * on every other path).
 */
final class TempPaths {

  private final Set<Path> held = ConcurrentHashMap.newKeySet();

  /** Remembers a file or folder to remove at the latest on shutdown. */
  Path hold(Path p) {
    held.add(p);
    return p;
  }

  /** Removes a held file or folder (a tree: links are removed, never followed). */
  void remove(Path p) {
    ArchiveExtractor.deleteTree(p);
    held.remove(p);
  }

  /** Removes everything still held; returns how many paths that was. */
  int removeAll() {
    int n = 0;
    for (Path p : Set.copyOf(held)) {
      remove(p);
      n++;
    }
    return n;
  }
}
