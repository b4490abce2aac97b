package dev.fabricscope.text;

/**
 * Character classes and scans for parsers of hostile text that must stay linear in its length.
 * Regular expressions whose quantifiers overlap ({@code \s*[A-Z ]+}, {@code .*?} after a repeated
 * prefix) backtrack quadratically on input made for it, and a {@code Matcher} cannot be stopped;
 * the parsers that replaced them use these helpers, which follow {@link java.util.regex.Pattern}'s
 * definitions exactly so that the results stay those of the old patterns (LinearParsersModelTest
 * compares them on random input).
 */
public final class LinearText {

  private LinearText() {}

  /** Whether {@code c} is in the regex class {@code \s}: space, tab, LF, VT, FF, CR. */
  public static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
  }

  /**
   * Whether {@code c} ends a line for the regex {@code .} (which it does not match) and {@code $}.
   */
  public static boolean isLineTerminator(char c) {
    return c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029';
  }

  /** Whether {@code c} is in the regex class {@code \d} (ASCII digits only, as in Pattern). */
  public static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /**
   * The first index at or after {@code from} holding a line terminator, else {@code s.length()}.
   */
  public static int lineEnd(CharSequence s, int from) {
    int i = from;
    while (i < s.length() && !isLineTerminator(s.charAt(i))) {
      i++;
    }
    return i;
  }

  /** Whether {@code s} holds no line terminator: a pattern {@code .*X.*} can only match then. */
  public static boolean isOneLine(CharSequence s) {
    return lineEnd(s, 0) == s.length();
  }

  /**
   * The first index in {@code [from, to - needle.length()]} where {@code needle} starts, else -1.
   * Unlike {@link String#indexOf(String, int)} it never looks past {@code to}, so a caller that
   * scans many short ranges stays linear.
   */
  public static int indexOf(String s, String needle, int from, int to) {
    for (int i = from; i + needle.length() <= to; i++) {
      if (s.startsWith(needle, i)) {
        return i;
      }
    }
    return -1;
  }

  /** The index after the run of {@code \d} that starts at {@code from} ({@code from}: none). */
  public static int digitsEnd(CharSequence s, int from) {
    int i = from;
    while (i < s.length() && isDigit(s.charAt(i))) {
      i++;
    }
    return i;
  }
}
