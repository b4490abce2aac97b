package dev.fabricscope.sysfs;

import dev.fabricscope.sysfs.ArchiveExtractor.ArchiveException;
import dev.fabricscope.text.TerminalText;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Names of a tree that this JVM cannot turn into file names (fourteenth security review, finding
 * 3). Without a UTF-8 locale ({@code LANG}/{@code LC_ALL} unset: a bare systemd unit, a container
 * image) the JVM's file name encoding ({@code sun.jnu.encoding}) is ASCII, and one non-ASCII
 * interface name, which Linux allows, stopped every discovery and refused every archive holding it.
 * {@link SysfsRoot} skips such a name as it does an unreadable file, with a diagnostic; {@link
 * ArchiveExtractor} refuses the archive in one line before it writes anything.
 */
final class FileNames {

  /** Why such a name is not used, with the cure. */
  static final String UNUSABLE =
      "a name this JVM cannot use as a file name (file name encoding "
          + System.getProperty("sun.jnu.encoding", "unknown")
          + "; start it with LC_ALL=C.UTF-8)";

  private FileNames() {}

  /**
   * Refuses, before anything is written, an archive with a name or link text that is no file name
   * here, naming the entry. Skipping the one entry would leave the plan's checks (links judged
   * against the whole tree, folders implied by names) judging a tree other than the one written.
   */
  @SafeVarargs
  static void requireUsable(Path dest, Iterable<String>... names) throws ArchiveException {
    for (Iterable<String> all : names) {
      for (String name : all) {
        try {
          dest.resolve(name);
        } catch (InvalidPathException e) {
          throw ArchivePlan.refused("'" + TerminalText.oneLine(name, 200) + "': " + UNUSABLE);
        }
      }
    }
  }
}
