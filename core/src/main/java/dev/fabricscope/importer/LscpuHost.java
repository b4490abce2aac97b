package dev.fabricscope.importer;

import dev.fabricscope.text.LinearText;
import dev.fabricscope.topology.Diagnostic;
import dev.fabricscope.topology.Host;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host CPU from {@code lscpu} output pasted beside lspci text, or an unknown host. The kernel's
 * AMD rule (p2p-rules.md §2.3/§2.5: x86 AMD, family ≥ 0x17, every host bridge allowed) needs vendor
 * and family, which lspci never prints. lscpu's {@code Vendor ID} and {@code CPU family} are the
 * same /proc/cpuinfo fields the sysfs importer reads, so they are taken as facts (with a diagnostic
 * naming where they came from). The host-bridge vendor (1022 root complex) is deliberately NOT used
 * to guess the CPU: it shows AMD, but not the family (pre-Zen AMD hosts had 1022 host bridges too),
 * and a guest's emulated host bridge says nothing about the CPU.
 */
final class LscpuHost {

  // linear: \s* cannot take the V, and \s+, \S+, \s* take disjoint characters
  private static final Pattern VENDOR = Pattern.compile("^\\s*Vendor ID:\\s+(\\S+)\\s*$");

  private LscpuHost() {}

  static Host read(String[] lines, String file, List<Diagnostic> diagnostics) {
    for (int i = 0; i < lines.length; i++) {
      Matcher v = VENDOR.matcher(lines[i]);
      if (!v.matches()) {
        continue;
      }
      Map<String, String> f = new HashMap<>();
      // lscpu prints Architecture a few lines above Vendor ID and the family/model just below
      for (int j = Math.max(0, i - 8); j < Math.min(lines.length, i + 12); j++) {
        String[] kv = field(lines[j]);
        if (kv != null) {
          f.putIfAbsent(kv[0], kv[1]);
        }
      }
      Integer family = decimal(f.get("CPU family"));
      Integer model = decimal(f.get("Model"));
      Integer cpus = decimal(f.get("CPU(s)"));
      String arch = f.get("Architecture");
      diagnostics.add(
          new Diagnostic(
              file,
              "host CPU taken from lscpu output in the text (Vendor ID "
                  + v.group(1)
                  + (family == null ? "" : ", CPU family " + family)
                  + ")"));
      return new Host(
          null,
          null,
          null,
          arch,
          new Host.Cpu(v.group(1), family, model, f.get("Model name"), cpus),
          List.of());
    }
    return new Host(null, null, null, null, null, List.of());
  }

  /**
   * An lscpu {@code Name: value} line as {name, value}, or null: what {@code ^\s*([A-Za-z()\-
   * ]+):\s+(.+?)\s*$} matched (name trimmed), found in one pass. That pattern backtracked in O(n²)
   * on a line of blanks, since {@code \s*} and the name both take spaces.
   */
  static String[] field(String line) {
    int colon = line.indexOf(':');
    if (colon < 0) {
      return null;
    }
    // before the colon: blanks (\s*), then at least one name character; a space is either
    int lastNonName = -1;
    int firstNonBlank = colon;
    for (int i = 0; i < colon; i++) {
      char c = line.charAt(i);
      boolean blank = LinearText.isSpace(c);
      if (!nameChar(c)) {
        if (!blank) {
          return null;
        }
        lastNonName = i;
      }
      if (!blank && firstNonBlank == colon) {
        firstNonBlank = i;
      }
    }
    if (lastNonName + 1 > Math.min(firstNonBlank, colon - 1)) {
      return null; // no split into blanks, then a non-empty name
    }
    String name = line.substring(0, colon).trim();
    int n = line.length();
    int a = colon + 1;
    while (a < n && LinearText.isSpace(line.charAt(a))) {
      a++;
    }
    if (a == colon + 1) {
      return null; // \s+ needs one blank after the colon
    }
    int e = n;
    while (e > a && LinearText.isSpace(line.charAt(e - 1))) {
      e--;
    }
    if (e > a) {
      // the lazy value runs from the first to the last non-blank; '.' takes no line terminator
      return LinearText.lineEnd(line, a) < e ? null : new String[] {name, line.substring(a, e)};
    }
    // only blanks after the colon: the value is one of them, the last that is no line terminator
    // and leaves a blank before it
    for (int s = n - 1; s > colon + 1; s--) {
      if (!LinearText.isLineTerminator(line.charAt(s))) {
        return new String[] {name, String.valueOf(line.charAt(s))};
      }
    }
    return null;
  }

  private static boolean nameChar(char c) {
    return c >= 'A' && c <= 'Z'
        || c >= 'a' && c <= 'z'
        || c == '('
        || c == ')'
        || c == '-'
        || c == ' ';
  }

  private static Integer decimal(String s) {
    return s != null && s.matches("\\d{1,6}") ? Integer.valueOf(s) : null;
  }
}
