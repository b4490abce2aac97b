package dev.fabricscope.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTTP/1.1 over a plain socket, for requests no client library sends (a body that contradicts its
 * Content-Encoding, a Content-Length with no body): one request per connection, answer read until
 * the server closes it. A dropped connection reads as status 0, never as an exception.
 */
public final class RawHttp {

  /** An answer: status 0 when the connection closed without one. */
  public record Answer(int status, Map<String, String> headers, String body) {

    /** The Content-Type header, or "". */
    public String contentType() {
      return headers.getOrDefault("content-type", "");
    }
  }

  private RawHttp() {}

  /** Sends a request with {@code headers} (CRLF-joined lines) and {@code body}. */
  public static Answer send(int port, String method, String target, String headers, byte[] body)
      throws IOException {
    String more = "Connection: close" + (headers.isEmpty() ? "" : "\r\n" + headers);
    return exchange(port, head(method, target, more, body == null ? -1 : body.length), body);
  }

  /**
   * Sends the head of a request that declares {@code declaredLength} body bytes, never the body,
   * and reads the answer: an answer proves the server did not wait for the body (it must come
   * within 15 s).
   *
   * @param headers CRLF-joined header lines beside Host and Content-Length ("" for none)
   */
  public static Answer headOnly(
      int port, String method, String target, String headers, long declaredLength) {
    byte[] head = head(method, target, headers, declaredLength);
    return org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
        java.time.Duration.ofSeconds(15),
        () -> exchange(port, head, null),
        method + " " + target + " waited for its body");
  }

  /** A request head; {@code length} < 0: no Content-Length. */
  private static byte[] head(String method, String target, String headers, long length) {
    String head =
        method
            + " "
            + target
            + " HTTP/1.1\r\nHost: localhost\r\n"
            + (headers.isEmpty() ? "" : headers + "\r\n")
            + (length < 0 ? "" : "Content-Length: " + length + "\r\n")
            + "\r\n";
    return head.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Writes {@code head} then {@code body} (null: none) and reads the answer. */
  public static Answer exchange(int port, byte[] head, byte[] body) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      try {
        out.write(head);
        if (body != null) {
          out.write(body);
        }
        out.flush();
      } catch (SocketException e) {
        // the server may answer and close before it has read everything (413): read the answer
      }
      return parse(readAll(s.getInputStream()));
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    byte[] b = new byte[8192];
    try {
      for (int n; (n = in.read(b)) > 0; ) {
        buf.write(b, 0, n);
      }
    } catch (SocketException e) {
      // connection reset after the answer: keep what came
    }
    return buf.toByteArray();
  }

  private static Answer parse(byte[] raw) {
    String text = new String(raw, StandardCharsets.UTF_8);
    int end = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/1.1 ") || end < 0) {
      return new Answer(0, Map.of(), text);
    }
    String[] lines = text.substring(0, end).split("\r\n");
    Map<String, String> headers = new TreeMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(
          lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).trim());
    }
    String body = text.substring(end + 4);
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      body = dechunk(body);
    }
    return new Answer(Integer.parseInt(lines[0].substring(9, 12)), headers, body);
  }

  private static String dechunk(String body) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < body.length()) {
      int eol = body.indexOf("\r\n", i);
      int size = Integer.parseInt(body.substring(i, eol).trim(), 16);
      if (size == 0) {
        break;
      }
      out.append(body, eol + 2, eol + 2 + size);
      i = eol + 2 + size + 2;
    }
    return out.toString();
  }
}
