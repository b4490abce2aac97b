package dev.fabricscope.fabric;

import dev.fabricscope.fabric.IbNetDiscover.Refused;

/**
 * The lines of an {@code ibnetdiscover -p} text walked in place: where each one starts and ends,
 * with a string made only for the lines that may be read ({@code SW} and {@code CA} lines). A line
 * ends where {@code \R} would split it (CR LF, LF, CR, form feed, vertical tab, NEL, U+2028,
 * U+2029). Splitting the whole text first held a string per line; 16 MiB of two-character lines
 * were 8 million of them (fifteenth security review).
 */
final class IbNetDiscoverLines {

  private final String text;
  private int next;
  private int start;
  private int end;
  private int number;

  IbNetDiscoverLines(String text) {
    this.text = text;
  }

  /**
   * Moves to the next line; false at the end of the text.
   *
   * @throws Refused past {@link IbNetDiscover#MAX_LINES} lines
   */
  boolean next() {
    if (next > text.length()) {
      return false;
    }
    // the empty piece after a text's last break is no line of its own (wc -l does not count it):
    // a text of exactly the limit, ended by a newline, is read
    boolean afterLastBreak = next == text.length() && number > 0;
    if (number >= IbNetDiscover.MAX_LINES && !afterLastBreak) {
      throw new Refused(
          Refused.Kind.NOT_IBNETDISCOVER,
          "more than "
              + IbNetDiscover.MAX_LINES
              + " lines; ibnetdiscover prints one line per port");
    }
    number++;
    start = next;
    int i = start;
    while (i < text.length() && !isBreak(text.charAt(i))) {
      i++;
    }
    end = i;
    if (i < text.length()
        && text.charAt(i) == '\r'
        && i + 1 < text.length()
        && text.charAt(i + 1) == '\n') {
      i++;
    }
    next = i + 1;
    return true;
  }

  /** The line's number, from 1. */
  int number() {
    return number;
  }

  /** The line's length in characters, without its break. */
  int length() {
    return end - start;
  }

  /** Whether the line, past leading white space, starts with {@code SW} or {@code CA}. */
  boolean startsWithSwOrCa() {
    int i = start;
    while (i < end && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    return text.startsWith("SW", i) && i + 2 <= end || text.startsWith("CA", i) && i + 2 <= end;
  }

  /** The line as a string. */
  String text() {
    return text.substring(start, end);
  }

  private static boolean isBreak(char c) {
    return c == '\n'
        || c == '\r'
        || c == '\f'
        || c == '\u000B'
        || c == '\u0085'
        || c == '\u2028'
        || c == '\u2029';
  }
}
