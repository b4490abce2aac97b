package dev.fabricscope.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.config.FabricscopeConfig;
import dev.fabricscope.security.Access;
import dev.fabricscope.security.ApiException;
import dev.fabricscope.security.Caller;
import io.quarkus.logging.Log;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.ByteArrayInputStream;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;

/**
 * Whole reports written to clients from their stored, gzip-compressed form ({@link GzipJson}), each
 * holding one of {@link #AT_ONCE} places until its answer is out. The thirteenth security review
 * ran a 512 MiB server out of heap with 20 to 30 parallel readers of a 15 MB report; since then an
 * answer holds about a fifteenth of that. What stayed open: a client that stopped reading held its
 * place, and its worker thread, blocked on a full write queue, until its connection ended (Vert.x's
 * idle timeout, 30 minutes), so eight such sockets turned every other reader of a large report
 * away. Now:
 *
 * <ul>
 *   <li>an answer must be taken at {@code fabricscope.answer-min-rate} bytes per second, checked
 *       over windows of {@link #WINDOW_MS} as the response's bytes written (written in slices of
 *       {@link #SLICE} bytes, each waiting while the connection's write queue is full, so the count
 *       moves with the client); a slower client is cut off and its place comes back: nginx's {@code
 *       send_timeout} does the same between two writes, and {@link BodyPace} for request bodies;
 *   <li>one caller (a token, a signed-on person, an anonymous address) holds at most {@link
 *       #PER_CALLER} places, and one more is a 429.
 * </ul>
 */
@ApplicationScoped
public class WholeReports {

  /**
   * Whole answers written at once; more wait up to 2 s, then 503. Each holds its answer compressed
   * (about a fifteenth of the text) while it is written.
   */
  static final int AT_ONCE = 24;

  /**
   * Whole answers one caller may have on their way at once; one more is a 429. Six: the history
   * page asks for a diff and three graphs at once; a plan page for a topology, a graph and a
   * prediction on each change, and two quick changes overlap (the diff review of the sixteenth
   * security review: with four, the second change of a plan page could be a 429).
   */
  static final int PER_CALLER = 6;

  /** How long each window of the pace check is, in milliseconds. */
  static final long WINDOW_MS = 10_000;

  /**
   * Bytes handed to the connection in one write: small beside a window's bytes at the pace (320 KiB
   * at the default), so that the count the pace is checked on moves with the client.
   */
  static final int SLICE = 1 << 14;

  /** Slices handed to the connection and not yet written to its socket, at most. */
  static final int IN_FLIGHT = 8;

  private final Semaphore writers = new Semaphore(AT_ONCE);

  private final ConcurrentHashMap<String, Integer> perCaller = new ConcurrentHashMap<>();

  @Inject FabricscopeConfig config;

  @Inject P2pMatrices matrices;

  // the REST layer's mapper: an answer reads as it did when Quarkus wrote it
  @Inject ObjectMapper mapper;

  private volatile long minRate;

  private volatile long windowMs = WINDOW_MS;

  @PostConstruct
  void init() {
    minRate = config.answerMinRate();
  }

  /** Sets the pace (bytes per second) and its window (tests set them directly). */
  void set(long bytesPerSecond, long windowMillis) {
    minRate = bytesPerSecond;
    windowMs = windowMillis;
  }

  /** Places taken now, by everyone (tests). */
  int inUse() {
    return AT_ONCE - writers.availablePermits();
  }

  /** A 200 JSON answer of {@code gzip}'s text to {@code caller}, the client of {@code request}. */
  public Response ok(byte[] gzip, Caller caller, RoutingContext request) {
    return answer(() -> gzip, caller, request, MediaType.APPLICATION_JSON).build();
  }

  /**
   * A 200 JSON answer of {@code value}, computed and compressed in one of the {@code /p2p} slots
   * once a place is taken: for the answers built from a whole report (graphs, predictions, plan
   * comparisons).
   */
  public Response computed(Supplier<?> value, Caller caller, RoutingContext request) {
    return ok(() -> matrices.inSlot(() -> GzipJson.compress(mapper, value.get())), caller, request);
  }

  /** {@link #ok(byte[], Caller, RoutingContext)} of a report built once a place is taken. */
  public Response ok(Supplier<byte[]> gzip, Caller caller, RoutingContext request) {
    return answer(gzip, caller, request, MediaType.APPLICATION_JSON).build();
  }

  /**
   * A 200 answer of {@code gzip}'s text: the compressed bytes as they are, with {@code
   * Content-Encoding: gzip}, to a client that accepts gzip (browsers, Prometheus, most HTTP
   * libraries), so that what waits for it is the compressed size; else the text, decompressed as it
   * is written. Takes a place now (a 429 when the caller holds {@link #PER_CALLER}; a 503 with
   * Retry-After when none frees within 2 s), given back when the answer is out, cut off for its
   * pace, or its connection ends. {@code build} makes the compressed report once the place is
   * taken: a caller past its places is turned away before any work (the diff review of the
   * fourteenth security review: refused requests had each built a whole report in a shared slot
   * first), and answers waiting for a place hold nothing.
   */
  public Response.ResponseBuilder answer(
      Supplier<byte[]> build, Caller caller, RoutingContext request, String mediaType) {
    Runnable release = take(caller.quotaKey(Access.remoteAddress(request.request())), request);
    byte[] gzip;
    try {
      gzip = build.get();
    } catch (RuntimeException | Error e) {
      release.run();
      throw e;
    }
    watch(request, release);
    if (GzipJson.acceptsGzip(request.request().getHeader("Accept-Encoding"))) {
      StreamingOutput asIs =
          out -> {
            try {
              var slices = new AnswerSlices(request);
              for (int at = 0; at < gzip.length; at += SLICE) {
                if (!slices.write(gzip, at, Math.min(SLICE, gzip.length - at))) {
                  break; // the stream is gone
                }
              }
              slices.finish();
            } finally {
              release.run();
            }
          };
      return Response.ok(asIs, mediaType)
          .header("Content-Encoding", "gzip")
          .header("Vary", "Accept-Encoding");
    }
    StreamingOutput text =
        out -> {
          try (var in = new GZIPInputStream(new ByteArrayInputStream(gzip), SLICE)) {
            var slices = new AnswerSlices(request);
            byte[] slice = new byte[SLICE];
            for (int n; (n = in.readNBytes(slice, 0, SLICE)) > 0; ) {
              if (!slices.write(slice, 0, n)) {
                break; // the stream is gone: the rest is not decompressed
              }
            }
            slices.finish();
          } finally {
            release.run();
          }
        };
    return Response.ok(text, mediaType).header("Vary", "Accept-Encoding");
  }

  /**
   * Takes a place for the caller {@code key}; the answer's writer gives it back (the returned
   * action, which may run more than once) once its last slice is handed on, failed or cut off. Each
   * slice waits while the connection's write queue is full, so what is left then is at most a
   * queue's worth. The routing context's end handlers give it back too, for an answer never written
   * (its connection closed first), but not alone: the answer stream takes over the response's close
   * handler, so an answer cut off mid-way never reaches them, and each such answer had kept its
   * place for good.
   */
  private Runnable take(String key, RoutingContext request) {
    boolean[] mine = {false};
    perCaller.compute(
        key,
        (k, n) -> {
          int held = n == null ? 0 : n;
          mine[0] = held < PER_CALLER;
          return mine[0] ? held + 1 : held;
        });
    if (!mine[0]) {
      throw new ApiException(
          429,
          "Too many requests",
          "this caller already has "
              + PER_CALLER
              + " whole reports on their way; read them before asking for more",
          5);
    }
    try {
      if (!writers.tryAcquire(2, TimeUnit.SECONDS)) {
        leave(key);
        throw new ApiException(
            503,
            "Service Unavailable",
            AT_ONCE + " whole reports are being written to clients; try again shortly",
            5);
      }
    } catch (InterruptedException e) {
      leave(key);
      Thread.currentThread().interrupt();
      throw new ApiException(503, "Service Unavailable", "interrupted", 5);
    }
    AtomicBoolean held = new AtomicBoolean(true);
    Runnable release =
        () -> {
          if (held.compareAndSet(true, false)) {
            writers.release();
            leave(key);
          }
        };
    request.addEndHandler(done -> release.run());
    return release;
  }

  private void leave(String key) {
    perCaller.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
  }

  /**
   * Checks the answer to {@code ctx} once a window: cuts it off when the window brought less than
   * the pace, and gives its place back ({@code release}) once the response is closed or ended. The
   * latter for answers whose writer never runs: an HTTP/2 stream the client reset before its answer
   * began is closed without the routing context's end handlers (Quarkus holds the response's close
   * handler), and each such reset had kept its place for good (measured: 1 of 5 resets). The timer
   * stays after a cut-off until the response is closed, for a writer that had not begun.
   */
  private void watch(RoutingContext ctx, Runnable release) {
    long rate = minRate;
    long window = windowMs;
    long least = rate * window / 1000;
    HttpServerResponse response = ctx.response();
    long[] before = {response.bytesWritten()};
    boolean[] cut = {false};
    long timer =
        ctx.vertx()
            .setPeriodic(
                window,
                id -> {
                  long written = response.bytesWritten();
                  if (response.ended() || response.closed()) {
                    ctx.vertx().cancelTimer(id);
                    release.run();
                  } else if (cut[0] || rate <= 0 || written - before[0] >= least) {
                    before[0] = written; // cut off once; the timer stays until the close
                  } else {
                    cut[0] = true;
                    Log.infof(
                        "Cut off %s %.200s to %s: it took %d bytes in %d ms, less than"
                            + " fabricscope.answer-min-rate (%d bytes per second)",
                        ctx.request().method(),
                        ctx.request().uri(),
                        Access.remoteAddress(ctx.request()),
                        written - before[0],
                        window,
                        rate);
                    cutOff(ctx);
                  }
                });
    ctx.addEndHandler(x -> ctx.vertx().cancelTimer(timer));
  }

  /**
   * Ends the answer to {@code ctx} now. On HTTP/2 its stream is reset, and the connection's other
   * streams (the client's other requests, its event stream) go on. On HTTP/1.1 the connection is
   * closed: Vert.x's {@code close()}, and a close sent down the channel's pipeline from its tail,
   * pass through Vert.x's handler, which first waits for what is queued to be flushed, and a client
   * that does not read never lets that happen (measured: the close came when the client went). A
   * close from Vert.x's own place in the pipeline goes straight to the socket, drops what is queued
   * and fails the writer waiting on it.
   */
  private static void cutOff(RoutingContext ctx) {
    if (ctx.request().version() == HttpVersion.HTTP_2) {
      ctx.response().reset();
      return;
    }
    HttpConnection connection = ctx.request().connection();
    if (connection instanceof ConnectionBase base) {
      base.channelHandlerContext().close();
    } else {
      connection.close();
    }
  }
}
