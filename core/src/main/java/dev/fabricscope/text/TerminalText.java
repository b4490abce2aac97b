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

  private static final java.util.regex.Pattern LINE_BREAKS =
      java.util.regex.Pattern.compile("[\\r\\n\\t]+");

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
      if (steers(c)) {
        sb.append(escaped(c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /**
   * One log line of text that came from elsewhere (a server's answer, say): escaped as {@link
   * #escape} does, and line feeds, tabs and the Unicode line and paragraph separators too (U+2028,
   * U+2029: some log viewers break lines there), so no line can be forged after it; cut to at most
   * {@code max} characters, then {@code ...}. An escape is never cut in half. Null reads {@code
   * null}.
   */
  public static String oneLine(String text, int max) {
    if (text == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder(Math.min(text.length(), max) + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      String e =
          steers(c) || c == '\n' || c == '\t' || c == 0x2028 || c == 0x2029 ? escaped(c) : null;
      int len = e == null ? 1 : e.length();
      if (sb.length() + len > max) {
        // a high surrogate without its low one would be half a character
        if (sb.length() > 0 && Character.isHighSurrogate(sb.charAt(sb.length() - 1))) {
          sb.setLength(sb.length() - 1);
        }
        return sb.append("...").toString();
      }
      if (e == null) {
        sb.append(c);
      } else {
        sb.append(e);
      }
    }
    return sb.toString();
  }

  /**
   * {@code text} as one line for a message that is escaped later, where it is shown ({@link
   * #escape}, {@link #oneLine}, a page's HTML escaping): each run of line feeds, carriage returns
   * and tabs becomes one space, then the ends are stripped; nothing is escaped, so a reason read in
   * JSON keeps its words apart rather than holding {@code \x0a}. {@code ifNull} when {@code text}
   * is null (an exception without a message).
   */
  public static String flatten(String text, String ifNull) {
    return text == null ? ifNull : LINE_BREAKS.matcher(text).replaceAll(" ").strip();
  }

  private static String escaped(char c) {
    if (c < 0x80) {
      return "\\x" + Character.forDigit(c >> 4, 16) + Character.forDigit(c & 15, 16);
    }
    return String.format("\\u%04x", (int) c);
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
