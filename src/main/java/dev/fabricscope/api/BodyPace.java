package dev.fabricscope.api;

import dev.fabricscope.config.FabricscopeConfig;
import io.quarkus.logging.Log;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The least pace at which an admitted request body must arrive ({@code
 * fabricscope.request-body-min-rate}, bytes per second, checked over windows of {@link
 * #WINDOW_MS}): a body that brings less in a window is a 408 and its connection is closed, so its
 * share of {@link BodyBudget} comes back. The seventh security review held the whole budget with
 * nine uploads that each sent one byte every 5 s, and nothing ever timed them out (Vert.x's idle
 * timeout counts any byte as activity). nginx's {@code client_body_timeout} bounds the gap between
 * two reads; a pace also stops a trickle of single bytes. The watch ends once the declared body has
 * arrived: the ninth review saw a 408 for an import that had arrived whole and was then stored, as
 * its wait for an import slot and its work outlasted two windows.
 */
@ApplicationScoped
public class BodyPace {

  /** How long each window of the pace check is, in milliseconds. */
  static final long WINDOW_MS = 10_000;

  private long windowMs = WINDOW_MS;

  @Inject FabricscopeConfig config;

  @Inject HttpLayerProblems problems;

  private long minRate;

  @PostConstruct
  void init() {
    minRate = config.requestBodyMinRate();
  }

  /** Sets the pace (bytes per second) and its window (tests set them directly). */
  void set(long bytesPerSecond, long windowMillis) {
    minRate = bytesPerSecond;
    windowMs = windowMillis;
  }

  /** Watches the pace of the request's body from now until the request or its exchange ends. */
  void watch(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    if (minRate <= 0 || req.isEnded()) {
      return;
    }
    long window = windowMs;
    long least = minRate * window / 1000;
    long declared = RequestBodyGate.declaredLength(req);
    long[] before = {req.bytesRead()};
    long timer =
        ctx.vertx()
            .setPeriodic(
                window,
                id -> {
                  long read = req.bytesRead();
                  // all of a declared body is here: what follows (a wait for an import slot, the
                  // work) is no slowness of the sender's (isEnded stays false for a request Quarkus
                  // left paused once it had read the body)
                  if (declared >= 0 && read >= declared
                      || req.isEnded()
                      || ctx.response().ended()) {
                    ctx.vertx().cancelTimer(id);
                  } else if (read - before[0] >= least) {
                    before[0] = read;
                  } else {
                    ctx.vertx().cancelTimer(id);
                    tooSlow(ctx, read - before[0], window);
                  }
                });
    ctx.addEndHandler(x -> ctx.vertx().cancelTimer(timer));
  }

  private void tooSlow(RoutingContext ctx, long bytes, long window) {
    String detail =
        "the body brought "
            + bytes
            + " bytes in "
            + window
            + " ms; it must arrive at "
            + minRate
            + " bytes per second at least (fabricscope.request-body-min-rate)";
    if (ctx.response().headWritten()) {
      Log.infof("Closed %s %.200s: %s", ctx.request().method(), ctx.request().uri(), detail);
      ctx.request().connection().close();
    } else {
      problems.refuse(ctx, 408, detail);
    }
  }
}
