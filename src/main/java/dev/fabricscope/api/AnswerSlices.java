package dev.fabricscope.api;

import io.quarkus.logging.Log;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An answer written to the Vert.x response in slices, at most {@link WholeReports#IN_FLIGHT} of
 * them not yet on the socket: each write's future completes once Netty has written it out, and a
 * client that does not read leaves the next one waiting. The answer stream (Quarkus' output stream)
 * waits for room only where the writing thread is not on the request's Vert.x context, and Quarkus
 * runs this worker on that context: a 9.5 MB answer to a client that did not read was queued whole
 * in direct memory within 20 ms (measured), and the response's writability flag, set on that
 * context, changes only once the writer's task ends. The stream then only ends the answer.
 */
final class AnswerSlices {

  private final RoutingContext request;

  private final ArrayDeque<CompletableFuture<Void>> inFlight = new ArrayDeque<>();

  /** Whether a write of this HTTP/2 stream failed: its stream is gone, the rest is not sent. */
  private boolean streamGone;

  /** Whether the HTTP/2 stream was reset (by the client or the cut-off), from the event loop. */
  private volatile boolean resetSeen;

  AnswerSlices(RoutingContext request) {
    this.request = request;
    if (!request.response().headWritten()) {
      request.response().setChunked(true);
    }
    if (request.request().version() == HttpVersion.HTTP_2) {
      // The answer stream Quarkus made for this response closes the connection on any error of
      // the response, and a reset stream's unsent data is one: one reset (the cut-off, or the
      // client leaving) sent a GOAWAY to every other stream of the connection (measured).
      request
          .response()
          .exceptionHandler(
              e -> {
                resetSeen = true;
                Log.debugf("HTTP/2 stream ended early: %s", e.toString());
              });
    }
  }

  /**
   * Hands one slice on, once fewer than {@link WholeReports#IN_FLIGHT} wait; false when the HTTP/2
   * stream is gone, and the writer stops (no more of the report decompressed for nothing).
   */
  boolean write(byte[] bytes, int offset, int length) throws IOException {
    while (inFlight.size() >= WholeReports.IN_FLIGHT) {
      await(inFlight.removeFirst());
    }
    if (streamReset()) {
      return false;
    }
    Buffer slice = Buffer.buffer(Arrays.copyOfRange(bytes, offset, offset + length));
    inFlight.addLast(request.response().write(slice).toCompletionStage().toCompletableFuture());
    return true;
  }

  void finish() throws IOException {
    while (!inFlight.isEmpty()) {
      await(inFlight.removeFirst());
    }
  }

  /**
   * Whether this is an HTTP/2 stream that was reset, by the cut-off or by the client (a browser
   * leaving the page), or one whose write failed. The answer then ends quietly: a writer that fails
   * makes Quarkus close the response, and an HTTP/2 response's close closes its connection
   * (measured: a GOAWAY right after the reset), taking the client's other streams, its event stream
   * among them, with it.
   */
  private boolean streamReset() {
    return streamGone || resetSeen || http2() && request.response().closed();
  }

  private boolean http2() {
    return request.request().version() == HttpVersion.HTTP_2;
  }

  private void await(CompletableFuture<Void> written) throws IOException {
    while (true) {
      if (streamReset()) {
        return;
      }
      try {
        written.get(1, TimeUnit.SECONDS);
        return;
      } catch (TimeoutException e) {
        if (request.request().connection() instanceof ConnectionBase base
                && !base.channel().isOpen()
            || request.response().closed()) {
          throw new IOException("the connection or the stream closed");
        }
      } catch (ExecutionException e) {
        if (http2()) {
          // the stream's unsent data fails before the response counts as closed (measured)
          streamGone = true;
          return;
        }
        throw new IOException("the answer could not be written: " + e.getCause(), e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while the client read");
      }
    }
  }
}
