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
 * Whole reports answered from their gzip-compressed form, decompressed as the client reads them
 * (thirteenth security review): a request that read a 15 MB report as text held about three times
 * that until its client had read it all, and 20 to 30 viewers reading one large host at once, or 30
 * that never read, ran a 512 MiB server out of heap. Each answer now holds the compressed bytes
 * (about 1 MB for those 15 MB); the text is written 64 KiB at a time and only while the
 * connection's write queue has room (the answer stream alone queued whole answers in direct memory:
 * 60 readers took 512 MiB), and at most {@link #AT_ONCE} are written at once, each waiting at most
 * {@link #STALL_SECONDS} for a client that stopped reading.
 */
public final class GzipJson {

  /** Whole reports written at once; more wait up to 2 s, then 503. */
  static final int AT_ONCE = 8;

  private static final Semaphore WRITERS = new Semaphore(AT_ONCE);

  private GzipJson() {}

  /** A 200 JSON answer of {@code gzip}'s text to the client of {@code request}. */
  public static Response ok(byte[] gzip, RoutingContext request) {
    return Response.ok(body(gzip, request), MediaType.APPLICATION_JSON).build();
  }

  /**
   * The body of {@code gzip}'s text, written as the client takes it; takes a writer's place now
   * (503 with Retry-After when none frees within 2 s), given back when the answer ends or the
   * connection closes.
   */
  public static StreamingOutput body(byte[] gzip, RoutingContext request) {
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
    return out -> {
      try (var in = new GZIPInputStream(new ByteArrayInputStream(gzip), 1 << 16)) {
        in.transferTo(out);
      }
    };
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
