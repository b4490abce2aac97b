package dev.fabricscope.api;

import dev.fabricscope.security.ApiException;
import io.quarkus.logging.Log;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
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
 * beyond what its endpoint takes plain ({@link BodyWrite}: 1 MiB for most writes) stops there with
 * a 413 problem, and any other coding, or more than one, is a 415 problem naming the ones accepted.
 * The decoded bytes count against the request body budget as they appear ({@link BodyReservation}):
 * a body that would take more than its sender's share or the budget stops with a 429 or 503. A
 * sender's coded bodies decode one at a time ({@link CodedBodyTurns}), so a burst of them is read
 * as far as the share goes instead of all growing side by side into 429s. Only writes the body gate
 * admitted are decoded ({@link RequestBodyGate}; a coded body a role may not send is refused there,
 * unread).
 */
@Provider
public class ContentDecoding implements ReaderInterceptor {

  /** The codings decoded, for the {@code Accept-Encoding} of a 415 (RFC 9110, section 12.5.3). */
  static final String ACCEPTED = "gzip, deflate";

  /** Decoded bytes reserved at a time beyond what is held. */
  static final int STEP = 1 << 20;

  @Inject HttpServerRequest request;

  @Inject RoutingContext routing;

  @Inject CodedBodyTurns turns;

  /** Whether the request says its body is coded (any coding but {@code identity}). */
  static boolean coded(RoutingContext ctx) {
    return !named(ctx.request().headers().getAll(HttpHeaders.CONTENT_ENCODING)).isEmpty();
  }

  /** The codings the headers name, lower case, {@code identity} and empty items left out. */
  static List<String> named(List<String> headers) {
    List<String> out = new ArrayList<>();
    if (headers == null) {
      return out;
    }
    for (String header : headers) {
      for (String c : header.split(",")) {
        String coding = c.trim().toLowerCase(Locale.ROOT);
        if (!coding.isEmpty() && !coding.equals("identity")) {
          out.add(coding);
        }
      }
    }
    return out;
  }

  @Override
  public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
    List<String> codings = codings(context.getHeaders().get(HttpHeaders.CONTENT_ENCODING));
    if (codings.isEmpty()) {
      return context.proceed();
    }
    BodyReservation reservation = routing.get(BodyReservation.KEY);
    if (reservation == null) {
      throw refused(
          new ApiException(
              415,
              "Unsupported content encoding",
              "a coded body is taken only by the API's writes; send this one plain"));
    }
    long limit = limit(routing.normalizedPath());
    Decoded body;
    try (CodedBodyTurns.Taken turn = turns.take(reservation.sender())) {
      if (turn == null) {
        throw refused(
            new ApiException(
                429,
                "Request body budget",
                "this sender's other coded bodies are still being decoded; retry when they are read",
                1));
      }
      body = decode(codings.get(0), context.getInputStream(), limit, reservation);
    }
    context.getHeaders().remove(HttpHeaders.CONTENT_ENCODING);
    context.setInputStream(body.asInput());
    return context.proceed();
  }

  /** The decoded size an endpoint accepts: what it would accept unencoded. */
  static long limit(String path) {
    return path == null ? RequestBodyGate.OTHER_WRITES : BodyWrite.of(path).limit;
  }

  private List<String> codings(List<String> headers) {
    List<String> out = named(headers);
    for (String coding : out) {
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
    }
    if (out.size() > 1) {
      // nobody applies two: a second gzip only makes a bomb smaller on the wire
      throw refused(
          new ApiException(415, "Unsupported content encoding", "at most one content coding"));
    }
    return out;
  }

  /** The decoded bytes, in the buffer they were decoded into (no copy). */
  static final class Decoded extends ByteArrayOutputStream {
    Decoded(int size) {
      super(size);
    }

    InputStream asInput() {
      return new ByteArrayInputStream(buf, 0, count);
    }
  }

  private Decoded decode(String coding, InputStream body, long limit, BodyReservation held) {
    boolean gzip = !coding.equals("deflate");
    Decoded out = new Decoded(64 * 1024);
    long base = held.held();
    // HTTP's "deflate" is the zlib format (RFC 9110, section 8.4.1.2), what InflaterInputStream
    // reads
    try (InputStream in = gzip ? new GZIPInputStream(body, 8192) : new InflaterInputStream(body)) {
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
        if (base + total > held.held()) {
          BodyBudget.Taken t = held.growTo(base + Math.min(limit, total + STEP));
          if (t != BodyBudget.Taken.TAKEN) {
            throw refused(
                new ApiException(
                    BodyReservation.status(t), "Request body budget", held.refusal(t), 1));
          }
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
    return out;
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
