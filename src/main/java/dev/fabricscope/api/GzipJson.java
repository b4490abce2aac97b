package dev.fabricscope.api;

import dev.fabricscope.security.ApiException;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Whole reports answered from their gzip-compressed form (thirteenth security review): a request
 * that read a 15 MB report as text held about three times that until its client had read it all,
 * and 20 to 30 viewers reading one large host at once, or 30 that never read, ran a 512 MiB server
 * out of heap. Each answer now holds the compressed bytes (about 1 MB for those 15 MB); a client
 * that accepts gzip gets them as they are, others the text, decompressed as it is written; and at
 * most {@link #AT_ONCE} answers are on their way at once, since the answer stream queues a whole
 * answer in direct memory before the client has read it. A client that stops reading holds its
 * place until its connection ends; others meanwhile get a 503.
 */
public final class GzipJson {

  /** Whole reports written at once; more wait up to 2 s, then 503. */
  static final int AT_ONCE = 8;

  private static final Semaphore WRITERS = new Semaphore(AT_ONCE);

  private GzipJson() {}

  /** A 200 JSON answer of {@code gzip}'s text to the client of {@code request}. */
  public static Response ok(byte[] gzip, RoutingContext request) {
    return answer(gzip, request, MediaType.APPLICATION_JSON).build();
  }

  /**
   * A 200 answer of {@code gzip}'s text: the compressed bytes as they are, with {@code
   * Content-Encoding: gzip}, to a client that accepts gzip (browsers, Prometheus, most HTTP
   * libraries), so that the answer queued for it is the compressed size; else the text,
   * decompressed as it is written. Takes a writer's place now (503 with Retry-After when none frees
   * within 2 s), given back when the answer is out or the connection ends.
   */
  public static Response.ResponseBuilder answer(
      byte[] gzip, RoutingContext request, String mediaType) {
    take(request);
    if (acceptsGzip(request.request().getHeader("Accept-Encoding"))) {
      return Response.ok(gzip, mediaType)
          .header("Content-Encoding", "gzip")
          .header("Vary", "Accept-Encoding");
    }
    StreamingOutput text =
        out -> {
          try (var in = new GZIPInputStream(new ByteArrayInputStream(gzip), 1 << 16)) {
            in.transferTo(out);
          }
        };
    return Response.ok(text, mediaType).header("Vary", "Accept-Encoding");
  }

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

  /** Takes a writer's place for {@code request} until its answer ends. */
  private static void take(RoutingContext request) {
    try {
      if (!WRITERS.tryAcquire(2, TimeUnit.SECONDS)) {
        throw new ApiException(
            503,
            "Service Unavailable",
            AT_ONCE + " whole reports are being written to clients; try again shortly",
            5);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(503, "Service Unavailable", "interrupted", 5);
    }
    AtomicBoolean held = new AtomicBoolean(true);
    Runnable release =
        () -> {
          if (held.compareAndSet(true, false)) {
            WRITERS.release();
          }
        };
    // given back once the answer is out, failed or cut off, not when the text is handed on: the
    // answer stream queues it whole in direct memory before the client has it
    request.addEndHandler(done -> release.run());
  }

  /** {@code json} compressed (fastest level): what a view builds in a slot and answers after. */
  public static byte[] compress(String json) {
    var out = new ByteArrayOutputStream(Math.max(1024, json.length() / 8));
    try (var gz =
        new GZIPOutputStream(out, 1 << 16) {
          {
            def.setLevel(Deflater.BEST_SPEED);
          }
        }) {
      gz.write(json.getBytes(StandardCharsets.UTF_8));
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
