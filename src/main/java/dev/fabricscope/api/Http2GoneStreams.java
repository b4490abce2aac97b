package dev.fabricscope.api;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.quarkus.logging.Log;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Keeps an HTTP/2 connection open when a write meets one of its streams that is gone. Vert.x 4.5
 * writes a response's head and end without a listener; when the stream was reset first (the client
 * left, as a browser leaving the page does, or the answer was cut off for its pace), Netty fails
 * that write with {@code IllegalArgumentException: Stream no longer exists: N}, fired down the
 * channel's pipeline, and Vert.x's {@code VertxHttp2ConnectionHandler.exceptionCaught} closes the
 * whole connection for any exception that is no HTTP/2 error, without a GOAWAY: the client's other
 * streams (its other requests, its event stream) went with it (measured: a client that reset one
 * stream before or during its answer lost its connection). This handler, first in the pipeline of
 * each HTTP/2 connection, drops that one failure: the data has no stream to go to, and the
 * connection's other streams go on. Every other exception passes on as before.
 */
@ApplicationScoped
public class Http2GoneStreams {

  /** The handler's name in the channel pipeline. */
  static final String NAME = "fabricscope-gone-streams";

  /** Netty's words for a write to a stream that is closed and forgotten. */
  static final String GONE = "Stream no longer exists: ";

  private static final DropGoneStreamWrites DROPPER = new DropGoneStreamWrites();

  void routes(@Observes Router router) {
    router.route().order(HttpLayerProblems.ORDER - 1).handler(this::install);
  }

  private void install(RoutingContext ctx) {
    if (ctx.request().version() == HttpVersion.HTTP_2
        && ctx.request().connection() instanceof ConnectionBase base) {
      ChannelPipeline pipeline = base.channel().pipeline();
      if (pipeline.get(NAME) == null) {
        try {
          pipeline.addFirst(NAME, DROPPER);
        } catch (IllegalArgumentException raced) {
          // another stream of the connection installed it meanwhile
        }
      }
    }
    ctx.next();
  }

  /** Whether {@code cause} is Netty's failure of a write to a stream that is gone. */
  static boolean isGoneStreamWrite(Throwable cause) {
    return cause instanceof IllegalArgumentException
        && cause.getMessage() != null
        && cause.getMessage().startsWith(GONE);
  }

  /** Drops the failed writes to gone streams; passes every other exception on. */
  @ChannelHandler.Sharable
  static final class DropGoneStreamWrites extends ChannelInboundHandlerAdapter {
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (isGoneStreamWrite(cause)) {
        Log.debugf("HTTP/2 write to a stream that is gone dropped: %s", cause.getMessage());
        return;
      }
      ctx.fireExceptionCaught(cause);
    }
  }
}
