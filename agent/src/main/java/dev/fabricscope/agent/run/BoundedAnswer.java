package dev.fabricscope.agent.run;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A server's answer read as the agent must read anything from a server it cannot trust (the Helm
 * chart's default agent URL is plain HTTP, so a man in the middle counts too): at most {@value
 * #MAX_BYTES} bytes of body, and the whole exchange, body included, within a deadline. {@link
 * HttpResponse.BodyHandlers#ofString()} has no limit, and a request's timeout ends when the headers
 * arrive, so one endless or trickled body once held the agent's heap or its loop forever.
 *
 * <p>The limit, 1 MiB: the largest answer the server gives an agent is the echo of its helper list
 * ({@code PUT …/capabilities}), whose request the server caps at 256 KiB ({@code
 * HelperStatus.MAX_BODY}); a job assignment (at most 16 flows, strings of at most 64 characters) is
 * a few KiB, a report's acknowledgement and a problem less than one. Six answers at most are read
 * at once (a poll, four job sides, a report), so 6 MiB of heap at worst.
 */
final class BoundedAnswer {

  /** Most bytes of one answer's body. */
  static final int MAX_BYTES = 1 << 20;

  /** An answer refused for its size; the connection is closed rather than read to its end. */
  static final class TooLarge extends IOException {
    TooLarge(int status, int max) {
      super("answer (status " + status + ") larger than " + max + " bytes: refused");
    }
  }

  private BoundedAnswer() {}

  /** Bodies of at most {@link #MAX_BYTES}, as UTF-8 text (JSON, RFC 8259). */
  static HttpResponse.BodyHandler<String> handler() {
    return handler(MAX_BYTES);
  }

  /** Bodies of at most {@code max} bytes. */
  static HttpResponse.BodyHandler<String> handler(int max) {
    return info -> {
      long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1);
      return new Capped(info.statusCode(), max, declared > max);
    };
  }

  /**
   * Waits for {@code f} at most {@code deadline}, headers and body together; past it the exchange
   * is cancelled (its connection closed) and {@link TimeoutException} thrown.
   */
  static <T> T await(CompletableFuture<T> f, Duration deadline)
      throws InterruptedException, ExecutionException, TimeoutException {
    try {
      return f.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw e;
    }
  }

  /** Collects up to {@code max} bytes; one more cancels the subscription and fails the body. */
  private static final class Capped implements HttpResponse.BodySubscriber<String> {
    private final CompletableFuture<String> body = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final int status;
    private final int max;
    private final boolean refuseAtOnce;
    private Flow.Subscription subscription;

    Capped(int status, int max, boolean refuseAtOnce) {
      this.status = status;
      this.max = max;
      this.refuseAtOnce = refuseAtOnce;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (refuseAtOnce) {
        refuse(); // a Content-Length beyond the limit: not one byte of it is read
      } else {
        s.request(1);
      }
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (body.isDone()) {
        return; // refused already: whatever was under way is dropped
      }
      for (ByteBuffer b : items) {
        if (bytes.size() + (long) b.remaining() > max) {
          refuse();
          return;
        }
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        bytes.write(chunk, 0, chunk.length);
      }
      subscription.request(1); // one buffer list at a time: the limit is checked as it grows
    }

    @Override
    public void onError(Throwable t) {
      body.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      body.complete(bytes.toString(StandardCharsets.UTF_8));
    }

    @Override
    public CompletionStage<String> getBody() {
      return body;
    }

    private void refuse() {
      body.completeExceptionally(new TooLarge(status, max));
      subscription.cancel();
    }
  }
}
