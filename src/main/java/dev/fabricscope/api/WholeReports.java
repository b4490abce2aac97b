package dev.fabricscope.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.config.FabricscopeConfig;
import dev.fabricscope.security.Access;
import dev.fabricscope.security.Caller;
import dev.fabricscope.security.SignOnSessions;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.ByteArrayInputStream;
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
 *   <li>an answer must be taken at {@code fabricscope.answer-min-rate} bytes per second over the
 *       whole answer after its first window of {@link #WINDOW_MS}, counted as the response's bytes
 *       written (written in slices of {@link #SLICE} bytes, each waiting while the connection's
 *       write queue is full, so the count moves with the client), within {@code
 *       fabricscope.answer-max-time}, and only while its caller's token or session holds ({@link
 *       AnswerPace}); otherwise it is cut off and its place comes back: nginx's {@code
 *       send_timeout} does the like between two writes, and {@link BodyPace} for request bodies;
 *   <li>one caller (a token, a signed-on person, an anonymous address) holds at most {@link
 *       #PER_CALLER} places, and one more is a 429; the last {@link #RESERVED} free places go only
 *       to callers holding fewer than {@link #BUSY_SHARE} ({@link AnswerPlaces}).
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

  /**
   * The last free places, kept for callers that hold fewer than {@link #BUSY_SHARE}: four callers
   * at {@link #PER_CALLER} each had filled every place (seventeenth security review).
   */
  static final int RESERVED = 8;

  /** What a caller may hold and still take a reserved place: a page's few answers. */
  static final int BUSY_SHARE = 2;

  /** How long each window of the pace check is, in milliseconds. */
  static final long WINDOW_MS = 10_000;

  /**
   * Bytes handed to the connection in one write: small beside a window's bytes at the pace (320 KiB
   * at the default), so that the count the pace is checked on moves with the client.
   */
  static final int SLICE = 1 << 14;

  /** Slices handed to the connection and not yet written to its socket, at most. */
  static final int IN_FLIGHT = 8;

  private final AnswerPlaces places = new AnswerPlaces(AT_ONCE, PER_CALLER, RESERVED, BUSY_SHARE);

  @Inject FabricscopeConfig config;

  @Inject P2pMatrices matrices;

  @Inject Access access;

  @Inject SignOnSessions sessions;

  // the REST layer's mapper: an answer reads as it did when Quarkus wrote it
  @Inject ObjectMapper mapper;

  private volatile long minRate;

  private volatile long windowMs = WINDOW_MS;

  private volatile long maxMs;

  /** Free places at or below which they are scarce ({@code answer-max-time} applies). */
  private volatile int scarceAtFree = RESERVED;

  @PostConstruct
  void init() {
    minRate = config.answerMinRate();
    maxMs = config.answerMaxTime().toMillis();
  }

  /** Sets the pace (bytes per second) and its window (tests set them directly). */
  void set(long bytesPerSecond, long windowMillis) {
    minRate = bytesPerSecond;
    windowMs = windowMillis;
  }

  /** Sets the longest an answer may take, in milliseconds, 0 for none (tests). */
  void setMaxMillis(long millis) {
    maxMs = millis;
  }

  /** Sets the free places at or below which they count as scarce (tests; default the reserve). */
  void setScarceAtFree(int places) {
    scarceAtFree = places;
  }

  /** Places taken now, by everyone (tests). */
  int inUse() {
    return places.inUse();
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
    new AnswerPace(
            request,
            release,
            minRate,
            windowMs,
            maxMs,
            caller,
            access,
            sessions,
            () -> places.free() <= scarceAtFree)
        .start();
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
    places.take(key, 2_000);
    AtomicBoolean held = new AtomicBoolean(true);
    Runnable release =
        () -> {
          if (held.compareAndSet(true, false)) {
            places.release(key);
          }
        };
    request.addEndHandler(done -> release.run());
    return release;
  }
}
