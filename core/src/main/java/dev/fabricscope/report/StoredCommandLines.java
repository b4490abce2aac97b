package dev.fabricscope.report;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.fabricscope.sysfs.KernelCommandLine;
import java.io.IOException;
import java.util.Optional;

/**
 * Redacts the kernel command line ({@code host.kernelCommandLine}) of a report JSON that was stored
 * before reports were redacted ({@link KernelCommandLine}; fifteenth security review, finding 3):
 * the string is replaced in place and every other byte stays as it was, so a stored snapshot keeps
 * its form, its other fields and the order a reader sees them in. Report JSON is UTF-8, as the
 * agent and the server write it.
 */
public final class StoredCommandLines {

  private StoredCommandLines() {}

  /**
   * The report with its command line redacted, or empty when there is nothing to change: no host
   * object, no command line, or one already redacted.
   *
   * @throws IOException when {@code json} is not JSON (a stored report always is)
   */
  public static Optional<byte[]> redact(byte[] json) throws IOException {
    try (JsonParser p = ReportJson.mapper().getFactory().createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return Optional.empty();
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if ("host".equals(name) && value == JsonToken.START_OBJECT) {
          return inHost(p, json);
        }
        p.skipChildren();
      }
      return Optional.empty();
    }
  }

  private static Optional<byte[]> inHost(JsonParser p, byte[] json) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if ("kernelCommandLine".equals(name) && value == JsonToken.VALUE_STRING) {
        // the string token from its opening quote to just past its closing one: the text must
        // be read first, the parser finishes a string only then
        long start = p.currentTokenLocation().getByteOffset();
        String raw = p.getText();
        long end = p.currentLocation().getByteOffset();
        String redacted = KernelCommandLine.redact(raw);
        if (redacted.equals(raw)) {
          return Optional.empty();
        }
        byte[] literal = ReportJson.mapper().writeValueAsBytes(redacted);
        byte[] out = new byte[(int) (json.length - (end - start) + literal.length)];
        System.arraycopy(json, 0, out, 0, (int) start);
        System.arraycopy(literal, 0, out, (int) start, literal.length);
        System.arraycopy(
            json, (int) end, out, (int) start + literal.length, json.length - (int) end);
        return Optional.of(out);
      }
      p.skipChildren();
    }
    return Optional.empty();
  }
}
