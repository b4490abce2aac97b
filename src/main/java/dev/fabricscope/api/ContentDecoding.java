package dev.fabricscope.api;

import dev.fabricscope.importer.Importers;
import dev.fabricscope.security.ApiException;
import io.quarkus.logging.Log;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/**
 * Request bodies sent with {@code Content-Encoding: gzip} (the agent's {@code run --gzip}) or
 * {@code deflate}, decoded here instead of in the HTTP layer. Vert.x's decompressor fails the whole
 * connection on a malformed body — the client gets no answer and nothing is logged — and has no
 * bound on the decoded size. Here a malformed body is a logged 400 problem, a body that decodes
 * beyond what the endpoint accepts stops there with a 413 problem (a decompression bomb costs at
 * most that much memory), and any other coding is a 415 problem naming the ones accepted.
 */
@Provider
public class ContentDecoding implements ReaderInterceptor {

  /** The codings decoded, for the {@code Accept-Encoding} of a 415 (RFC 9110, section 12.5.3). */
  static final String ACCEPTED = "gzip, deflate";

  @Inject HttpServerRequest request;

  @Override
  public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
    List<String> codings = codings(context.getHeaders().get(HttpHeaders.CONTENT_ENCODING));
    if (codings.isEmpty()) {
      return context.proceed();
    }
    long limit = limit(request.path());
    byte[] body = context.getInputStream().readAllBytes();
    // codings are listed in the order they were applied: undo the last first
    for (int i = codings.size() - 1; i >= 0; i--) {
      body = decode(codings.get(i), body, limit);
    }
    context.getHeaders().remove(HttpHeaders.CONTENT_ENCODING);
    context.setInputStream(new ByteArrayInputStream(body));
    return context.proceed();
  }

  /** The decoded size an endpoint accepts: what it would accept unencoded. */
  static long limit(String path) {
    // the endpoints as RequestBodyGate tells them apart; all but imports decode to a report's size
    return path != null && BodyWrite.of(path) == BodyWrite.IMPORT
        ? Importers.MAX_BYTES
        : ReportsResource.MAX_REPORT_BYTES;
  }

  private List<String> codings(List<String> headers) {
    List<String> out = new ArrayList<>();
    if (headers == null) {
      return out;
    }
    for (String header : headers) {
      for (String c : header.split(",")) {
        String coding = c.trim().toLowerCase(Locale.ROOT);
        if (coding.isEmpty() || coding.equals("identity")) {
          continue;
        }
        if (!coding.equals("gzip") && !coding.equals("x-gzip") && !coding.equals("deflate")) {
          throw refused(
              new ApiException(
                  415,
                  "Unsupported content encoding",
                  "Content-Encoding '"
                      + shorten(coding)
                      + "' is not accepted; send the body plain or as "
                      + ACCEPTED));
        }
        out.add(coding);
      }
    }
    if (out.size() > 2) {
      throw refused(
          new ApiException(415, "Unsupported content encoding", "at most two content codings"));
    }
    return out;
  }

  private byte[] decode(String coding, byte[] body, long limit) {
    boolean gzip = !coding.equals("deflate");
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(body.length * 4, 1 << 20));
    // HTTP's "deflate" is the zlib format (RFC 9110, section 8.4.1.2), what InflaterInputStream
    // reads
    try (InputStream in =
        gzip
            ? new GZIPInputStream(new ByteArrayInputStream(body), 8192)
            : new InflaterInputStream(new ByteArrayInputStream(body))) {
      byte[] buf = new byte[8192];
      long total = 0;
      for (int n; (n = in.read(buf)) > 0; ) {
        total += n;
        if (total > limit) {
          throw refused(
              new ApiException(
                  413,
                  "Body too large",
                  "the "
                      + coding
                      + " body decodes to more than "
                      + limit
                      + " bytes, the most this endpoint accepts"));
        }
        out.write(buf, 0, n);
      }
    } catch (IOException e) {
      // ZipException (not gzip/zlib data, bad checksum) or EOFException (truncated)
      throw refused(
          ApiException.badRequest(
              "the body is labelled Content-Encoding: "
                  + coding
                  + " but does not decode as "
                  + coding
                  + ": "
                  + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())));
    }
    return out.toByteArray();
  }

  // Logged here: these requests never reach a resource, and clients that send them are broken.
  private ApiException refused(ApiException e) {
    Log.warnf(
        "Refused %s %s from %s: %d %s",
        request.method(), request.path(), request.remoteAddress(), e.status(), e.getMessage());
    return e;
  }

  private static String shorten(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
