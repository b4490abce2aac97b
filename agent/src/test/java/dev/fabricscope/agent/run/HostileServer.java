package dev.fabricscope.agent.run;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A server on 127.0.0.1 that answers every request the same hostile way: a fixed answer, or a body
 * streamed in chunks (endless, or trickled) that records how much of it went out and whether the
 * client hung up before the end.
 */
final class HostileServer implements AutoCloseable {

  /** Body bytes the streaming answer wrote. */
  final AtomicLong sent = new AtomicLong();

  /** Counted down when the streaming answer ended, by its end or by the client closing. */
  final CountDownLatch streamEnded = new CountDownLatch(1);

  private final HttpServer server;
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private volatile boolean closed;

  private HostileServer(Handler handler) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", ex -> handler.handle(this, ex));
    server.setExecutor(pool);
    server.start();
  }

  private interface Handler {
    void handle(HostileServer s, HttpExchange ex) throws IOException;
  }

  /** Answers {@code status} with {@code body} (JSON). */
  static HostileServer answering(int status, String body) throws IOException {
    return answering(status, body.getBytes(StandardCharsets.UTF_8));
  }

  /** Answers {@code status} with {@code body}. */
  static HostileServer answering(int status, byte[] body) throws IOException {
    HttpHandler h =
        ex -> {
          try (ex) {
            ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
              try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
              }
            }
          }
        };
    return new HostileServer((s, ex) -> h.handle(ex));
  }

  /**
   * Answers 200 with a body of {@code declared} bytes (0: chunked, no length), written {@code
   * chunk} bytes at a time with {@code pauseMillis} between chunks, until {@code limit} bytes went
   * out or the client hung up.
   */
  static HostileServer streaming(long declared, int chunk, long pauseMillis, long limit)
      throws IOException {
    return new HostileServer((s, ex) -> s.stream(ex, declared, chunk, pauseMillis, limit));
  }

  private void stream(HttpExchange ex, long declared, int chunk, long pauseMillis, long limit) {
    byte[] bytes = new byte[chunk];
    Arrays.fill(bytes, (byte) ' '); // JSON whitespace: valid up to the end that never comes
    try (ex) {
      ex.getRequestBody().readAllBytes();
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(200, declared);
      OutputStream out = ex.getResponseBody();
      while (sent.get() < limit && !closed) {
        out.write(bytes);
        out.flush();
        sent.addAndGet(chunk);
        if (pauseMillis > 0) {
          Thread.sleep(pauseMillis);
        }
      }
    } catch (IOException e) {
      // the client hung up: what the tests wait for
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      streamEnded.countDown();
    }
  }

  /** Whether the streaming answer ended within {@code seconds}. */
  boolean streamEndsWithin(long seconds) throws InterruptedException {
    return streamEnded.await(seconds, TimeUnit.SECONDS);
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @Override
  public void close() {
    closed = true;
    server.stop(0);
    pool.shutdownNow();
  }
}
