package dev.fabricscope.api;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Whole reports kept compressed while they are answered (thirteenth security review): a request
 * that read a 15 MB report as text held about three times that until its client had read it all. A
 * view compresses what it built ({@link #compress}); {@link WholeReports} writes it to a client as
 * it is or as text ({@link #acceptsGzip}).
 */
public final class GzipJson {

  private GzipJson() {}

  /**
   * Whether an {@code Accept-Encoding} header takes gzip: named with no {@code q=0} (RFC 9110
   * §12.5.3); {@code *} is not taken to mean it.
   */
  static boolean acceptsGzip(String header) {
    if (header == null) {
      return false;
    }
    for (String part : header.split(",")) {
      String[] p = part.split(";");
      if (!p[0].trim().equalsIgnoreCase("gzip")) {
        continue;
      }
      for (int i = 1; i < p.length; i++) {
        String param = p[i].trim();
        if (param.regionMatches(true, 0, "q=", 0, 2)) {
          try {
            return Double.parseDouble(param.substring(2).trim()) > 0;
          } catch (NumberFormatException e) {
            return false;
          }
        }
      }
      return true;
    }
    return false;
  }

  /**
   * {@code value} written by {@code mapper} and compressed as it is written (fastest level), with
   * no whole text in between: what a view builds in a slot and answers after ({@link
   * WholeReports}).
   */
  public static byte[] compress(com.fasterxml.jackson.databind.ObjectMapper mapper, Object value) {
    return gzip(1 << 16, out -> mapper.writeValue(out, value));
  }

  /** {@code json} (UTF-8) compressed at the fastest level: a cached answer given out whole. */
  public static byte[] compress(byte[] json) {
    return gzip(Math.max(1024, json.length / 8), out -> out.write(json));
  }

  /** {@code json} compressed (fastest level): what a view builds in a slot and answers after. */
  public static byte[] compress(String json) {
    return compress(json.getBytes(StandardCharsets.UTF_8));
  }

  private interface Body {
    void writeTo(java.io.OutputStream out) throws IOException;
  }

  private static byte[] gzip(int sizeHint, Body body) {
    var out = new ByteArrayOutputStream(sizeHint);
    try (var gz =
        new GZIPOutputStream(out, 1 << 16) {
          {
            def.setLevel(Deflater.BEST_SPEED);
          }
        }) {
      body.writeTo(gz);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The text of {@code gzip} (tests). */
  static String text(byte[] gzip) throws IOException {
    try (var in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
