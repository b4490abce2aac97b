package dev.fabricscope.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.metrics.MeterHygiene;
import dev.fabricscope.security.ApiException;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.quarkus.logging.Log;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The HTTP layer's refusals as {@code application/problem+json}, like the API's own: a URI longer
 * than {@link #MAX_URI} (414), headers beyond {@link #MAX_HEADER_BYTES} (431), a declared body
 * beyond {@code quarkus.http.limits.max-body-size} (413), and any failure no JAX-RS mapper answered
 * (its status, else 500). Vert.x refuses requests beyond its own decoder limits before any handler
 * runs, with an empty body and no hook in Quarkus to change that, so those limits ({@code
 * quarkus.http.limits.max-initial-line-length}, {@code max-header-size}) are set well above the
 * ones enforced here: only grossly oversized requests still get the bare answer, as does Vert.x's
 * 400 for a request Netty cannot parse (e.g. both Content-Length and Transfer-Encoding). A URI that
 * {@link java.net.URI} refuses (e.g. {@code /%zz}) is refused here, first of all routes, with a 400
 * problem: Quarkus's own check, which answers with an empty body before any route, is off ({@code
 * vertx.disableURIValidation}, set by {@link dev.fabricscope.ServerMain}).
 */
@ApplicationScoped
public class HttpLayerProblems {

  /** The methods answered, as a refusal of another one names them. */
  private static final String METHODS =
      String.join(", ", new java.util.TreeSet<>(MeterHygiene.STANDARD_METHODS));

  /** Longest request URI (path and query) answered; longer is a 414 problem. */
  static final int MAX_URI = 8 * 1024;

  /** Most header bytes (names, values, separators) answered; more is a 431 problem. */
  static final int MAX_HEADER_BYTES = 16 * 1024;

  /**
   * Before Quarkus's own handlers: its body-size check (order -2), which answers with an empty
   * body, and the handler that sets the template path for security and observability (present with
   * quarkus-oidc), which throws a 500 on a path with a malformed %-escape. Only the access log, the
   * start time and hot replacement (orders MIN_VALUE to MIN_VALUE + 2) come first.
   */
  public static final int ORDER = Integer.MIN_VALUE + 3;

  @Inject ObjectMapper mapper;

  @ConfigProperty(name = "quarkus.http.limits.max-body-size")
  MemorySize maxBody;

  void routes(@Observes Router router) {
    router.route().order(ORDER).handler(this::limits);
    router.route().order(ORDER).failureHandler(this::failure);
    // Failures the router raises while it matches routes (an IllegalArgumentException is a 400)
    // reach only its error handlers, not the failure handler above.
    for (int status = 400; status < 600; status++) {
      router.errorHandler(status, this::failure);
    }
  }

  /**
   * Headers on every answer, refusals included: no framing by other sites (clickjacking; the pages
   * never frame themselves), no content sniffing (downloads and discovery texts are what their type
   * says), no full URLs with their query strings in the Referer sent to other sites. Set here,
   * first of all routes: Quarkus's own {@code quarkus.http.header} route answers a path with a
   * malformed %-escape with a 500.
   */
  static final Map<String, String> SECURITY_HEADERS =
      Map.of(
          "X-Frame-Options", "DENY",
          "X-Content-Type-Options", "nosniff",
          "Referrer-Policy", "same-origin");

  /**
   * What a page may load and run: scripts, styles, images and connections of this server only, no
   * inline or evaluated script, no plugins, no {@code <base>}, no framing. Forms are not held to
   * this server: signing out posts to {@code /logout}, which redirects to the identity provider.
   * The pages keep an operator's token in session storage, so one slip in a template or a library
   * would otherwise hand it to a string in a report (fourteenth security review; none was found).
   * Style attributes stay allowed: the graph and chart libraries set element styles.
   */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
          + " img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none';"
          + " frame-ancestors 'none'";

  /** Swagger UI's page starts itself with an inline script (Quarkus's): not framed, no more. */
  static final String SWAGGER_UI_POLICY = "frame-ancestors 'none'";

  private void limits(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    SECURITY_HEADERS.forEach(ctx.response()::putHeader);
    ctx.response()
        .putHeader(
            "Content-Security-Policy",
            req.path() != null && req.path().startsWith("/q/swagger-ui")
                ? SWAGGER_UI_POLICY
                : CONTENT_SECURITY_POLICY);
    if (!req.path().startsWith("/static/")) {
      // inventory in every answer but the stylesheets and scripts: kept by no shared cache, nor by
      // the browser after a sign-out (thirteenth security review)
      ctx.response().putHeader("Cache-Control", "no-store");
    }
    String method = req.method().name();
    if (!MeterHygiene.STANDARD_METHODS.contains(method)) {
      // RFC 9110 §9.1: a method the server does not recognize is a 501; the name is not repeated
      // back (it may be 64 KiB of anything), and the connection closes (its body is not read)
      answer(ctx, 501, reason(501), "the request method is not one of " + METHODS, true);
      return;
    }
    if (req.uri().length() > MAX_URI) {
      answer(
          ctx, 414, "the request URI is " + req.uri().length() + " characters; at most " + MAX_URI);
      return;
    }
    String invalid = invalidUri(req.uri());
    if (invalid != null) {
      answer(ctx, 400, "the request URI is not a valid URI: " + invalid);
      return;
    }
    String notNormal = notNormalPath(req.path(), ctx.normalizedPath());
    if (notNormal != null) {
      // its body, if any, is not read: the connection closes after the answer
      answer(
          ctx, 400, reason(400), "the request path " + notNormal + "; send the path itself", true);
      return;
    }
    long headerBytes = 0;
    for (Map.Entry<String, String> h : req.headers()) {
      headerBytes += h.getKey().length() + h.getValue().length() + 4;
    }
    if (headerBytes > MAX_HEADER_BYTES) {
      answer(
          ctx,
          431,
          "the request headers take " + headerBytes + " bytes; at most " + MAX_HEADER_BYTES);
      return;
    }
    String length = req.getHeader("Content-Length");
    if (length != null
        && !RequestBodyGate.judges(ctx)
        && length.matches("[0-9]{1,18}")
        && Long.parseLong(length) > maxBody.asLongValue()) {
      answer(ctx, 413, "the body is " + length + " bytes; at most " + maxBody.asLongValue());
      return;
    }
    ctx.next();
  }

  /**
   * Why a path is not in the form the router matches, or null when it is. The router and the
   * resources match the normalized path (dot segments removed, {@code //} collapsed, escaped
   * unreserved characters decoded) with matrix parameters ({@code ;x}) dropped; every check made on
   * the path before them (the body gate's: who may send how much) must see that same path. The
   * tenth security review reached the agents' report endpoint as {@code //api/v1/reports}, {@code
   * /x/../api/v1/reports}, {@code /%61pi/v1/reports} and {@code /api;x/v1/reports}, past the gate,
   * and ran the server out of heap with 48 unauthenticated 62 MB bodies. No client needs these
   * spellings, so they are refused, first of all routes.
   */
  static String notNormalPath(String raw, String normalized) {
    if (raw == null) {
      return null; // an absolute-form URI without a path: Vert.x answers it
    }
    if (raw.indexOf(';') >= 0) {
      return "holds a ';' (matrix parameters are not taken)";
    }
    if (!raw.equals(normalized)) {
      return "is not in normal form (empty, '.' or '..' segments, or escaped letters, digits or"
          + " '-._~')";
    }
    return null;
  }

  /** Why {@link URI} refuses the request URI (what Quarkus's own check tests), or null. */
  static String invalidUri(String uri) {
    try {
      new URI(uri);
      return null;
    } catch (URISyntaxException e) {
      // the reason and index only: the input itself is echoed nowhere
      return e.getReason() + (e.getIndex() >= 0 ? " at index " + e.getIndex() : "");
    }
  }

  private void failure(RoutingContext ctx) {
    HttpServerResponse resp = ctx.response();
    if (resp.headWritten() || resp.closed()) {
      // a streamed answer already started: nothing can be said any more
      Log.debugf(
          ctx.failure(),
          "%s %.200s failed after its answer started",
          ctx.request().method(),
          ctx.request().uri());
      return;
    }
    Throwable failure = ctx.failure();
    if (ClientBodyFaults.of(failure) != null) {
      ClientBodyFaults.answer(
          ctx, () -> answer(ctx, 400, reason(400), ClientBodyFaults.DETAIL, true));
      return;
    }
    int status = failure instanceof HttpException he ? he.getStatusCode() : ctx.statusCode();
    if (status < 400 || status > 599) {
      status = 500;
    }
    String detail;
    if (status >= 500) {
      String id = UUID.randomUUID().toString();
      Log.errorf(
          failure, "%s %s failed (error id %s)", ctx.request().method(), ctx.request().path(), id);
      detail = "internal error, logged with id " + id;
    } else {
      detail =
          failure == null || failure.getMessage() == null ? reason(status) : failure.getMessage();
    }
    answer(ctx, status, detail);
  }

  /**
   * A refusal before the request's body was read ({@link RequestBodyGate}): the connection is
   * closed once the answer is out, since the unread body cannot be skipped; a 503 says when to
   * retry.
   */
  void refuse(RoutingContext ctx, int status, String detail) {
    refuse(ctx, status, reason(status), detail);
  }

  /** {@link #refuse(RoutingContext, int, String)} with the problem's title. */
  void refuse(RoutingContext ctx, int status, String title, String detail) {
    Problem.headers(status, 0).forEach(ctx.response()::putHeader);
    answer(ctx, status, title, detail, true);
  }

  /** A refusal raised as an {@link ApiException} before the body was read: its own words. */
  public void refuse(RoutingContext ctx, ApiException e) {
    Problem.headers(e.status(), e.retryAfterSeconds()).forEach(ctx.response()::putHeader);
    answer(ctx, e.status(), e.title(), e.getMessage(), true);
  }

  private void answer(RoutingContext ctx, int status, String detail) {
    answer(ctx, status, reason(status), detail, status == 413 || status == 414 || status == 431);
  }

  private void answer(RoutingContext ctx, int status, String title, String detail, boolean close) {
    RefusedUri.tag(ctx);
    if (status != 500) {
      Log.infof(
          "Refused %.32s %.200s from %s: %d %s",
          ctx.request().method(),
          ctx.request().uri(),
          ctx.request().remoteAddress(),
          status,
          detail);
    }
    String body;
    try {
      body = mapper.writeValueAsString(new Problem("about:blank", title, status, detail));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    HttpServerResponse resp = ctx.response().setStatusCode(status);
    resp.putHeader("Content-Type", Problem.MEDIA_TYPE);
    if (close) {
      // The rest of the request (its body) is not read, so the connection cannot be reused; Vert.x
      // would keep it open waiting for that body, so it is closed once the answer is out.
      resp.putHeader("Connection", "close");
      resp.end(body).onComplete(x -> ctx.request().connection().close());
      return;
    }
    resp.end(body);
  }

  private static String reason(int status) {
    return HttpResponseStatus.valueOf(status).reasonPhrase();
  }
}
