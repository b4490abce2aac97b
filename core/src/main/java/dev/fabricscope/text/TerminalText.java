package dev.fabricscope.text;

/**
 * Text for a terminal, with every character that would steer it written out instead. Names in a
 * report come from hostile files (an NVMe name, a device name from pci.ids or XML, a diagnostic
 * quoting a file); printed raw, {@code ESC ] 0 ; … BEL} retitles the window and {@code ESC [ 2 J}
 * clears the screen, so a report could forge what {@code topo} or {@code explain} shows. What is
 * escaped: C0 controls but line feed and tab, DEL, the C1 controls U+0080–U+009F (some terminals
 * obey {@code U+009B} as CSI), and the Unicode bidirectional controls, which reorder what is shown
 * ("Trojan Source", CVE-2021-42574). Each becomes {@code \xNN} or {@code \}{@code uNNNN}, so the
 * reader still sees that something was there.
 */
public final class TerminalText {

  private TerminalText() {}

  /** {@code text} with the characters above escaped; the same string when it has none. */
  public static String escape(String text) {
    int i = 0;
    while (i < text.length() && !steers(text.charAt(i))) {
      i++;
    }
    if (i == text.length()) {
      return text;
    }
    StringBuilder sb = new StringBuilder(text.length() + 16).append(text, 0, i);
    for (; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!steers(c)) {
        sb.append(c);
      } else if (c < 0x80) {
        sb.append("\\x")
            .append(Character.forDigit(c >> 4, 16))
            .append(Character.forDigit(c & 15, 16));
      } else {
        sb.append(String.format("\\u%04x", (int) c));
      }
    }
    return sb.toString();
  }

  /** Whether a terminal would act on {@code c} rather than show it. */
  public static boolean steers(char c) {
    if (c < 0x20) {
      return c != '\n' && c != '\t';
    }
    return c == 0x7f
        || c >= 0x80 && c <= 0x9f
        || c == 0x061c // ARABIC LETTER MARK
        || c >= 0x200e && c <= 0x200f // LRM, RLM
        || c >= 0x202a && c <= 0x202e // LRE … RLO
        || c >= 0x2066 && c <= 0x2069; // LRI … PDI
  }
}
