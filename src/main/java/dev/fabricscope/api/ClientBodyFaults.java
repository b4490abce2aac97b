package dev.fabricscope.api;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.quarkus.logging.Log;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;

/**
 * Whether a request failed because its body could not be read: the client framed it wrongly (a
 * chunk size that overflows or is no number, a chunk line or trailer beyond the decoder's limits)
 * or its connection broke off (closed or reset mid-body). That is the client's doing, not a fault
 * of the server: {@link HttpLayerProblems} answers it 400 (or closes quietly when the connection is
 * gone) and logs one INFO line. It had been a 500 with an ERROR and an 80-line stack trace, and any
 * token holder could fill the log with them (eighteenth security review, finding 2).
 */
final class ClientBodyFaults {

  /** Causes looked at, at most: a chain deeper than this is not one of ours. */
  private static final int DEPTH = 12;

  private ClientBodyFaults() {}

  /** What the client is told, when it can still be told. */
  static final String DETAIL =
      "the request body could not be read: malformed chunked framing, or the connection broke off";

  /**
   * Runs {@code answer} (a 400 that closes the connection) on the connection's event loop if the
   * connection is still open there, else only logs one DEBUG line. Vert.x closes the connection
   * right after a body fails to decode, in the same event-loop task: an answer from a worker thread
   * came after that, and writing it to the closed channel made Netty log a WARN with a stack trace
   * (a released buffer released again).
   */
  static void answer(RoutingContext ctx, Runnable answer) {
    String what = ctx.request().method() + " " + ctx.request().path();
    Runnable once =
        () -> {
          if (open(ctx)) {
            answer.run();
          } else {
            Log.debugf("%.200s: its body could not be read, and its connection is gone", what);
          }
        };
    if (ctx.request().connection() instanceof ConnectionBase c
        && !c.channel().eventLoop().inEventLoop()) {
      c.channel().eventLoop().execute(once);
    } else {
      once.run();
    }
  }

  private static boolean open(RoutingContext ctx) {
    HttpServerResponse resp = ctx.response();
    return !resp.closed()
        && !resp.ended()
        && !resp.headWritten()
        && (!(ctx.request().connection() instanceof ConnectionBase c) || c.channel().isActive());
  }

  /** The client's fault found in {@code failure}'s chain of causes, or null. */
  static Throwable of(Throwable failure) {
    Throwable t = failure;
    for (int i = 0; t != null && i < DEPTH; i++, t = t.getCause()) {
      if (t instanceof DecoderException
          || t instanceof PrematureChannelClosureException
          || t instanceof HttpClosedException
          || t instanceof ClosedChannelException
          || raisedIn(t, "io.netty.handler.codec.http.HttpObjectDecoder")
          || (t instanceof IOException
              && (raisedIn(t, "org.jboss.resteasy.reactive.server.vertx.VertxInputStream")
                  || raisedIn(t, "io.netty.channel.")))) {
        return t;
      }
    }
    return null;
  }

  /**
   * Whether {@code t} was raised with {@code prefix}'s code on the stack: decoding a request's
   * bytes (the decoder's own NumberFormatException for a chunk size carries no type of its own),
   * the body's input stream, or a read of the connection.
   */
  private static boolean raisedIn(Throwable t, String prefix) {
    for (StackTraceElement e : t.getStackTrace()) {
      if (e.getClassName().startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}
