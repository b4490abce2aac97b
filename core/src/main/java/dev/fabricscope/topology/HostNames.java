package dev.fabricscope.topology;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one rule for host names, whatever door a report comes through (agent report, import, demo,
 * URL path): DNS labels (RFC 1123: letters, digits and {@code -}, not starting or ending with
 * {@code -}, 1–63 characters) that may also hold {@code _} (Kubernetes node names and some
 * inventories use it), joined by single dots, 253 characters at most. So {@code .}, {@code ..},
 * empty labels and anything with {@code /}, {@code %}, spaces or control characters are refused:
 * every stored name can be put in a URL path segment as it is.
 */
public final class HostNames {

  /** Longest host name: the DNS limit for a full name (RFC 1035 §2.3.4, as text). */
  public static final int MAX_LENGTH = 253;

  private static final String LABEL = "[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?";

  /** The pattern, also documented in the README and the report schema. */
  public static final Pattern PATTERN = Pattern.compile(LABEL + "(?:\\." + LABEL + ")*");

  private HostNames() {}

  /** Why {@code name} is not a valid host name, or empty when it is. */
  public static Optional<String> problem(String name) {
    if (name == null || name.isEmpty()) {
      return Optional.of("host name is missing");
    }
    if (name.length() > MAX_LENGTH) {
      return Optional.of(
          "host name is " + name.length() + " characters; at most " + MAX_LENGTH + " are allowed");
    }
    if (!PATTERN.matcher(name).matches()) {
      return Optional.of(
          "host name must be dot-separated labels of 1-63 letters, digits, '-' or '_' (not"
              + " starting or ending with '-'), e.g. gpu-node-17 or rack1.example.com");
    }
    return Optional.empty();
  }

  /** Whether {@code name} is a valid host name. */
  public static boolean valid(String name) {
    return problem(name).isEmpty();
  }

  /**
   * A valid host name made from any text (a demo archive's file name, an hwloc HostName): every
   * other character becomes {@code -}, empty labels are dropped, labels are trimmed of {@code -}
   * and cut to 63 characters. Empty when nothing usable is left.
   */
  public static Optional<String> sanitize(String text) {
    if (text == null) {
      return Optional.empty();
    }
    StringBuilder out = new StringBuilder();
    for (String label : text.replaceAll("[^A-Za-z0-9_.-]", "-").split("\\.")) {
      String l = trimDashes(label);
      if (l.length() > 63) {
        l = trimDashes(l.substring(0, 63));
      }
      if (l.isEmpty()) {
        continue;
      }
      if (out.length() + l.length() + 1 > MAX_LENGTH) {
        break;
      }
      if (out.length() > 0) {
        out.append('.');
      }
      out.append(l);
    }
    return out.length() == 0 ? Optional.empty() : Optional.of(out.toString());
  }

  /**
   * {@code s} without leading and trailing {@code -}; in one pass, as {@code -+$} tried from every
   * dash of a long inner run of dashes to its end (O(n²)).
   */
  private static String trimDashes(String s) {
    int a = 0;
    int b = s.length();
    while (a < b && s.charAt(a) == '-') {
      a++;
    }
    while (b > a && s.charAt(b - 1) == '-') {
      b--;
    }
    return s.substring(a, b);
  }
}
