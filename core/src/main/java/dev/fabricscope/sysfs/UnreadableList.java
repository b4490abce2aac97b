package dev.fabricscope.sysfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The list a gathered tree carries of the files that could not be read on its host ({@link
 * SysfsRoot#UNREADABLE_FILE}, written by the agent's {@code gather}), so that reading the tree
 * reports the same problems the live host did.
 */
final class UnreadableList {

  private UnreadableList() {}

  /**
   * Path to reason, from {@code path<TAB>reason} lines; lines of another shape are left out, and a
   * list that is missing, a link or unreadable counts as empty (a tree without one is a tree whose
   * files were all read).
   */
  static Map<String, String> load(Path root) {
    Path f = root.resolve(SysfsRoot.UNREADABLE_FILE.substring(1));
    if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
      return Map.of();
    }
    Map<String, String> out = new HashMap<>();
    try {
      for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
        int tab = line.indexOf('\t');
        if (tab > 0 && line.startsWith("/")) {
          out.put(line.substring(0, tab), line.substring(tab + 1));
        }
      }
    } catch (IOException e) {
      return Map.of();
    }
    return out;
  }
}
