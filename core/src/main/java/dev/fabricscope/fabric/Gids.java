package dev.fabricscope.fabric;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** GIDs as the kernel and hwloc print them: IPv6-style text, {@code ::} shorthand allowed. */
final class Gids {

  private Gids() {}

  /** The eight groups of an IPv6-style GID, each four lower-case hex digits; null if malformed. */
  static String[] expand(String gid) {
    if (gid == null) {
      return null;
    }
    String s = gid.trim().toLowerCase(Locale.ROOT);
    List<String> parts = new ArrayList<>();
    int dbl = s.indexOf("::");
    if (dbl >= 0) {
      List<String> head = split(s.substring(0, dbl));
      List<String> tail = split(s.substring(dbl + 2));
      int missing = 8 - head.size() - tail.size();
      if (missing < 0) {
        return null;
      }
      parts.addAll(head);
      for (int i = 0; i < missing; i++) {
        parts.add("0");
      }
      parts.addAll(tail);
    } else {
      parts.addAll(split(s));
    }
    if (parts.size() != 8) {
      return null;
    }
    String[] out = new String[8];
    for (int i = 0; i < 8; i++) {
      String p = parts.get(i);
      if (p.isEmpty() || p.length() > 4 || !p.matches("[0-9a-f]+")) {
        return null;
      }
      out[i] = "0".repeat(4 - p.length()) + p;
    }
    return out;
  }

  static List<String> split(String s) {
    return s.isEmpty() ? List.of() : List.of(s.split(":", -1));
  }

  /** The subnet prefix of a GID: its first four 16-bit groups, zero-padded, lower case. */
  static String prefix(String gid) {
    String[] g = expand(gid);
    if (g == null) {
      return gid;
    }
    return String.join(":", g[0], g[1], g[2], g[3]);
  }

  /** {@code a.b.c.0/24} of an IPv4-mapped GID ({@code ::ffff:a.b.c.d}), else null. */
  static String ipv4Network(String gid) {
    String[] g = expand(gid);
    if (g == null) {
      return null;
    }
    for (int i = 0; i < 5; i++) {
      if (!g[i].equals("0000")) {
        return null;
      }
    }
    if (!g[5].equals("ffff")) {
      return null;
    }
    int hi = Integer.parseInt(g[6], 16);
    int lo = Integer.parseInt(g[7], 16);
    return (hi >> 8) + "." + (hi & 0xff) + "." + (lo >> 8) + ".0/24";
  }
}
