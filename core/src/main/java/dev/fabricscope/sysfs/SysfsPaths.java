package dev.fabricscope.sysfs;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Path arithmetic inside an fsroot, on strings: sysfs links are relative ({@code
 * ../../devices/pci0000:00/...}) and are resolved by hand so that a link can never lead outside the
 * root (see {@link SysfsRoot#resolve}).
 */
public final class SysfsPaths {

  private SysfsPaths() {}

  /** Joins a link text to the directory holding the link; empty when it leaves the root. */
  public static Optional<String> join(String dir, String linkText) {
    if (linkText.startsWith("/")) {
      return Optional.empty();
    }
    List<String> parts = new ArrayList<>();
    for (String s : dir.split("/")) {
      if (!s.isEmpty()) {
        parts.add(s);
      }
    }
    for (String s : linkText.split("/")) {
      if (s.isEmpty() || s.equals(".")) {
        continue;
      }
      if (s.equals("..")) {
        if (parts.isEmpty()) {
          return Optional.empty();
        }
        parts.remove(parts.size() - 1);
      } else {
        parts.add(s);
      }
    }
    return Optional.of("/" + String.join("/", parts));
  }

  /** The directory holding a path ({@code /} for top-level names). */
  public static String parentOf(String path) {
    int i = path.lastIndexOf('/');
    return i <= 0 ? "/" : path.substring(0, i);
  }

  /** The last component of a path (or of a link text). */
  public static String baseName(String path) {
    int i = path.lastIndexOf('/');
    return i < 0 ? path : path.substring(i + 1);
  }
}
