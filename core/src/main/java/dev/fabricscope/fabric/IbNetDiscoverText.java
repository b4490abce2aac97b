package dev.fabricscope.fabric;

import dev.fabricscope.fabric.IbNetDiscover.Refused;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The checks an {@code ibnetdiscover -p} text from outside passes before it is parsed: its size,
 * UTF-8 (the tool writes node descriptions as they are set, which are ASCII in practice), and no
 * control characters but tabs and line breaks, so that a binary file is refused as such rather than
 * read as a text with no switch in it.
 */
public final class IbNetDiscoverText {

  private IbNetDiscoverText() {}

  /**
   * The largest text taken, in bytes (and characters): 16 MiB. A line is about 180 bytes and every
   * CA and switch port has one, so this holds a fabric of some 90,000 ports.
   */
  public static final int MAX_CHARS = 16 * 1024 * 1024;

  /**
   * The bytes as text, strictly UTF-8.
   *
   * @throws Refused too large, not UTF-8, or binary
   */
  public static String decode(byte[] bytes) {
    if (bytes.length > MAX_CHARS) {
      throw tooLarge(bytes.length, "bytes");
    }
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == 0) {
        throw new Refused(
            Refused.Kind.NOT_TEXT, "binary: a NUL byte at offset " + i + " (expected text)");
      }
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new Refused(
          Refused.Kind.NOT_TEXT, "not UTF-8 text (" + e.getClass().getSimpleName() + ")");
    }
    check(text);
    return text;
  }

  /**
   * Refuses a text that is too long or holds control characters other than tab, line feed, form
   * feed and carriage return.
   *
   * @throws Refused what is wrong, with the line
   */
  public static void check(String text) {
    if (text.length() > MAX_CHARS) {
      throw tooLarge(text.length(), "characters");
    }
    int line = 1;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        line++;
      } else if ((c < 0x20 && c != '\t' && c != '\r' && c != '\f') || c == 0x7f) {
        throw new Refused(
            Refused.Kind.NOT_TEXT,
            String.format(
                "binary: control character U+%04X on line %d (expected text)", (int) c, line));
      }
    }
  }

  private static Refused tooLarge(int size, String unit) {
    return new Refused(
        Refused.Kind.TOO_LARGE,
        "an ibnetdiscover output may be at most "
            + MAX_CHARS
            + " "
            + unit
            + "; this one is "
            + size);
  }
}
