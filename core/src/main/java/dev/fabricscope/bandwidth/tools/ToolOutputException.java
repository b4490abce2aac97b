package dev.fabricscope.bandwidth.tools;

/**
 * The output of a measuring tool (perftest, iperf3, nvbandwidth) could not be read, or the tool
 * reported a failure in it. The message is one printable line that names the tool and what was
 * missing; quoted output is cut and its control characters replaced ({@link #quote}), so hostile
 * output cannot forge log lines.
 */
public class ToolOutputException extends Exception {

  public ToolOutputException(String message) {
    super(message);
  }

  public ToolOutputException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Longest quote of tool output in a message. */
  static final int MAX_QUOTE = 160;

  /**
   * Tool output as it may be quoted in a message: stripped, at most {@value #MAX_QUOTE} characters,
   * control characters (newlines, escapes, NUL) as {@code ?}, in single quotes.
   */
  static String quote(String text) {
    String t = text == null ? "" : text.strip();
    StringBuilder b = new StringBuilder(Math.min(t.length(), MAX_QUOTE) + 5).append('\'');
    for (int i = 0; i < t.length() && i < MAX_QUOTE; i++) {
      char c = t.charAt(i);
      b.append(c < 0x20 || c == 0x7f || Character.isISOControl(c) ? '?' : c);
    }
    return b.append(t.length() > MAX_QUOTE ? "...'" : "'").toString();
  }
}
