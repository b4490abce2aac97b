package dev.fabricscope.api;

import dev.fabricscope.security.Access;
import dev.fabricscope.security.Caller;
import dev.fabricscope.security.SignOnSessions;
import io.quarkus.logging.Log;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * What keeps one whole answer ({@link WholeReports}) moving, checked once a window on the
 * connection's event loop, and what ends it otherwise:
 *
 * <ul>
 *   <li><b>the pace, over the whole answer</b>: after the first window the bytes handed to the
 *       connection must be at least {@code rate} times the time since the first window. Judged
 *       window by window, honest clients reading at two to four times the pace without gzip were
 *       cut off (seventeenth security review): the first window filled the kernel's socket buffers
 *       with megabytes, and the socket takes more only once a third of its buffer has drained, a
 *       whole window later at such paces;
 *   <li><b>progress</b>: some bytes within {@link #STALL_WINDOWS} windows. The megabytes the socket
 *       buffers took at first count toward the pace, so a client that reads nothing would otherwise
 *       keep its place for their worth at the pace (minutes); a third of a 4 MiB send buffer drains
 *       within 60 s at 22 KB/s;
 *   <li><b>a longest time</b> ({@code fabricscope.answer-max-time}) while places are scarce: a
 *       client reading just above the pace had held its place for eight minutes per 16 MB answer,
 *       and asked again, while others were turned away; on a server with places to spare a slow
 *       client (a script without gzip on a slow link) still gets its answer;
 *   <li><b>the caller's right to it</b>: a revoked token, or a sign-on session that ended, ends its
 *       answers at the next window, as event streams end (the review's revoked token kept its six
 *       streams).
 * </ul>
 *
 * A cut-off answer's place comes back once its writer stops; the check also gives the place back
 * once the response is closed or ended, for answers whose writer never ran (an HTTP/2 stream the
 * client reset before its answer began is closed without the routing context's end handlers).
 */
final class AnswerPace {

  /** Windows with nothing written after which an answer is cut off: 60 s at the default. */
  static final int STALL_WINDOWS = 6;

  private final RoutingContext ctx;
  private final Runnable release;
  private final long rate;
  private final long windowMs;
  private final long maxMs;
  private final Caller caller;
  private final Access access;
  private final SignOnSessions sessions;
  private final BooleanSupplier scarce;
  private final AtomicBoolean checking = new AtomicBoolean();
  private final long start = System.nanoTime();
  private boolean cut;
  private long lastWritten = -1;
  private long lastProgress = System.nanoTime();

  /**
   * A watch over the answer to {@code ctx}; {@link #start} begins it.
   *
   * @param rate bytes per second at least (0: no pace)
   * @param maxMs the longest an answer may take while places are scarce, in milliseconds (0: no
   *     limit)
   * @param scarce whether places are scarce now
   */
  AnswerPace(
      RoutingContext ctx,
      Runnable release,
      long rate,
      long windowMs,
      long maxMs,
      Caller caller,
      Access access,
      SignOnSessions sessions,
      BooleanSupplier scarce) {
    this.ctx = ctx;
    this.release = release;
    this.rate = rate;
    this.windowMs = windowMs;
    this.maxMs = maxMs;
    this.caller = caller;
    this.access = access;
    this.sessions = sessions;
    this.scarce = scarce;
  }

  /** Watches the answer from now on, once a window, until its response ends. */
  void start() {
    long timer = ctx.vertx().setPeriodic(windowMs, this::tick);
    ctx.addEndHandler(x -> ctx.vertx().cancelTimer(timer));
  }

  private void tick(long timerId) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      ctx.vertx().cancelTimer(timerId);
      release.run();
      return;
    }
    if (cut) {
      return; // cut off once; the timer stays until the close
    }
    long written = response.bytesWritten();
    long now = System.nanoTime();
    if (written != lastWritten) {
      lastWritten = written;
      lastProgress = now;
    }
    long elapsedMs = (now - start) / 1_000_000;
    long stalledMs = (now - lastProgress) / 1_000_000;
    long least = rate * Math.max(0, elapsedMs - windowMs) / 1000;
    if (rate > 0 && stalledMs >= STALL_WINDOWS * windowMs) {
      end(
          String.format(
              "nothing was written to it for %d ms (%d bytes in %d ms)",
              stalledMs, written, elapsedMs));
    } else if (rate > 0 && written < least) {
      end(
          String.format(
              "it took %d bytes in %d ms, less than fabricscope.answer-min-rate (%d bytes per"
                  + " second) after the first %d ms",
              written, elapsedMs, rate, windowMs));
    } else if (maxMs > 0 && elapsedMs > maxMs && scarce.getAsBoolean()) {
      end(
          String.format(
              "it was not taken within fabricscope.answer-max-time (%d ms; %d bytes so far)"
                  + " while others wait for places",
              maxMs, written));
    } else if ((caller.tokenId() != 0 || caller.session() != null)
        && checking.compareAndSet(false, true)) {
      String authorization = ctx.request().getHeader("Authorization");
      // the database is asked on a worker, one check at a time; the answer comes back on this
      // event loop. A check that fails (the database away) leaves the answer going: the next
      // window asks again, and nothing else would work for that caller either
      ctx.vertx()
          .executeBlocking(() -> stillAllowed(authorization), false)
          .onComplete(
              result -> {
                checking.set(false);
                if (result.succeeded()
                    && !result.result()
                    && !cut
                    && !response.ended()
                    && !response.closed()) {
                  end("its caller's token was revoked or sign-on session ended");
                }
              });
    }
  }

  private boolean stillAllowed(String authorization) {
    if (caller.tokenId() != 0) {
      return access.stillActive(authorization);
    }
    return sessions.active(caller.session());
  }

  private void end(String why) {
    cut = true;
    Log.infof(
        "Cut off %s %.200s to %s: %s",
        ctx.request().method(), ctx.request().uri(), Access.remoteAddress(ctx.request()), why);
    cutOff(ctx);
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
  static void cutOff(RoutingContext ctx) {
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
