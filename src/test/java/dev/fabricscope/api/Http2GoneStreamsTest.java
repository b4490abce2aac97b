package dev.fabricscope.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The handler that keeps an HTTP/2 connection open drops Netty's failure of a write to a gone
 * stream and passes every other exception on to Vert.x's handler behind it. {@code
 * WholeReportsTest} resets twelve streams of one connection at generated points through the server
 * (it lost its connection at the first or second reset without this handler).
 */
class Http2GoneStreamsTest {

  @Test
  void nettysWordsForAGoneStreamAreWhatTheHandlerDrops() {
    assertTrue(
        Http2GoneStreams.isGoneStreamWrite(
            new IllegalArgumentException("Stream no longer exists: 3")));
    assertFalse(Http2GoneStreams.isGoneStreamWrite(new IllegalArgumentException("other")));
    assertFalse(
        Http2GoneStreams.isGoneStreamWrite(
            new IllegalStateException("Stream no longer exists: 3")));
    assertFalse(Http2GoneStreams.isGoneStreamWrite(new IllegalArgumentException()));
  }

  @Test
  void onlyTheGoneStreamWriteStopsInThePipeline() {
    List<Throwable> behind = new ArrayList<>();
    EmbeddedChannel channel =
        new EmbeddedChannel(
            new Http2GoneStreams.DropGoneStreamWrites(),
            new ChannelInboundHandlerAdapter() {
              @Override
              public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                behind.add(cause); // where Vert.x would close the connection
              }
            });
    for (int stream = 1; stream < 200; stream += 2) {
      channel
          .pipeline()
          .fireExceptionCaught(new IllegalArgumentException(Http2GoneStreams.GONE + stream));
    }
    assertEquals(List.of(), behind);
    IllegalStateException other = new IllegalStateException("a broken pipe");
    channel.pipeline().fireExceptionCaught(other);
    assertEquals(List.of(other), behind);
    assertTrue(channel.isOpen());
    channel.finishAndReleaseAll();
  }
}
