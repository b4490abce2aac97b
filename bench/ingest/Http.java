import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** The HTTP/1.1 a load generator needs: one POST, one response with Content-Length. */
final class Http {
  record Response(int status, String body) {}

  static void write(OutputStream out, String path, String token, byte[] body) throws Exception {
    String head =
        "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
            + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
  }

  static Response read(InputStream in) throws Exception {
    StringBuilder line = new StringBuilder();
    int status = -1;
    int length = 0;
    boolean chunked = false;
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new java.io.EOFException("connection closed");
      }
      if (b != '\n') {
        if (b != '\r') {
          line.append((char) b);
        }
        continue;
      }
      String l = line.toString();
      line.setLength(0);
      if (status < 0) {
        status = Integer.parseInt(l.substring(9, 12));
      } else if (l.isEmpty()) {
        break;
      } else if (l.regionMatches(true, 0, "content-length:", 0, 15)) {
        length = Integer.parseInt(l.substring(15).trim());
      } else if (l.regionMatches(true, 0, "transfer-encoding:", 0, 18)) {
        chunked = true;
      }
    }
    if (chunked) {
      throw new IllegalStateException("chunked responses are not expected here");
    }
    byte[] body = in.readNBytes(length);
    return new Response(status, new String(body, StandardCharsets.UTF_8));
  }
}
