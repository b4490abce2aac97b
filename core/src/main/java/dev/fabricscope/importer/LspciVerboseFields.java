package dev.fabricscope.importer;

import dev.fabricscope.text.LinearText;

/**
 * One-pass readers for the {@code lspci -vvv} notes whose patterns backtracked quadratically on
 * hostile text: each pattern's {@code .*?} or {@code [^\]]*} scanned to the end of the line again
 * from every repeat of its prefix ({@code Speed 1GT/s Speed 1GT/s ...} without {@code , Width}).
 * Each method returns what {@code Matcher.find()} gave with the pattern it names, found by scanning
 * every character a bounded number of times; LinearParsersModelTest compares them on random text.
 */
final class LspciVerboseFields {

  private static final String STU = "Smallest Translation Unit: ";

  private LspciVerboseFields() {}

  /** {@code rest} with every prog-if note removed, and the first note's value (null: none). */
  record ProgIf(Integer value, String rest) {}

  /**
   * {@code \(prog-if ([0-9a-f]{2})(?: \[[^\]]*\])?\)}: the first match's value and {@code
   * replaceAll("")}. The next {@code ]} is remembered, so a run of unclosed {@code [} notes is read
   * once, not once per note.
   */
  static ProgIf progIf(String rest) {
    StringBuilder out = new StringBuilder(rest.length());
    Integer first = null;
    int copied = 0;
    int close = -2; // the next ']' after the last search: -2 before any, -1 none
    int from = 0;
    int p;
    while ((p = rest.indexOf(" (prog-if ", from)) >= 0) {
      int h = p + " (prog-if ".length();
      int end = -1;
      if (h + 2 <= rest.length() && hex(rest.charAt(h)) && hex(rest.charAt(h + 1))) {
        int k = h + 2;
        if (rest.startsWith(" [", k)) {
          if (close != -1 && close < k + 2) {
            close = rest.indexOf(']', k + 2);
          }
          if (close >= 0 && close + 1 < rest.length() && rest.charAt(close + 1) == ')') {
            end = close + 2;
          }
        } else if (k < rest.length() && rest.charAt(k) == ')') {
          end = k + 1;
        }
      }
      if (end < 0) {
        from = p + 1;
        continue;
      }
      if (first == null) {
        first = Integer.parseInt(rest.substring(h, h + 2), 16);
      }
      out.append(rest, copied, p);
      copied = end;
      from = end;
    }
    return new ProgIf(
        first, first == null ? rest : out.append(rest, copied, rest.length()).toString());
  }

  /**
   * {@code Speed (\d+(?:\.\d+)?)GT/s.*?, Width x(\d+)}: {speed, width} of the first match, or null.
   */
  static String[] speedWidth(String v) {
    int from = 0;
    int s;
    while ((s = v.indexOf("Speed ", from)) >= 0) {
      int d = s + "Speed ".length();
      int e = LinearText.digitsEnd(v, d);
      if (e > d
          && e + 1 < v.length()
          && v.charAt(e) == '.'
          && LinearText.isDigit(v.charAt(e + 1))) {
        e = LinearText.digitsEnd(v, e + 1);
      }
      if (e == d || !v.startsWith("GT/s", e)) {
        from = s + 1;
        continue;
      }
      int after = e + "GT/s".length();
      int stop = LinearText.lineEnd(v, after); // '.' in .*? stops at a line terminator
      for (int w = LinearText.indexOf(v, ", Width x", after, stop);
          w >= 0;
          w = LinearText.indexOf(v, ", Width x", w + 1, stop)) {
        int x = w + ", Width x".length();
        int xe = LinearText.digitsEnd(v, x);
        if (xe > x) {
          return new String[] {v.substring(d, e), v.substring(x, xe)};
        }
      }
      // a later "Speed" before stop would search part of the same range: skip them all
      from = stop + 1;
    }
    return null;
  }

  /**
   * {@code Enable([+-]).*Smallest Translation Unit: (\d+)}: {sign, unit} of the first match, the
   * unit from the last such phrase on the line as the greedy {@code .*} took it; null if none.
   */
  static String[] atsControl(String v) {
    int from = 0;
    int s;
    while ((s = v.indexOf("Enable", from)) >= 0) {
      int sign = s + "Enable".length();
      if (sign >= v.length() || v.charAt(sign) != '+' && v.charAt(sign) != '-') {
        from = s + 1;
        continue;
      }
      int stop = LinearText.lineEnd(v, sign + 1);
      for (int u = stop - STU.length() - 1; u >= sign + 1; u--) {
        if (v.startsWith(STU, u) && LinearText.isDigit(v.charAt(u + STU.length()))) {
          int x = u + STU.length();
          return new String[] {
            String.valueOf(v.charAt(sign)), v.substring(x, LinearText.digitsEnd(v, x))
          };
        }
      }
      from = stop + 1; // as in speedWidth: a later "Enable" on this line finds nothing either
    }
    return null;
  }

  private static boolean hex(char c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'f';
  }
}
