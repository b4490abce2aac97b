package dev.fabricscope.api;

import io.vertx.core.http.impl.HttpServerRequestInternal;
import io.vertx.core.impl.ContextInternal;
import io.vertx.ext.web.RoutingContext;

/**
 * The {@code uri} tag of {@code http_server_requests} for answers no route gave: {@value #TAG}
 * (written {@code /REFUSED}: Quarkus makes every template a path). Quarkus tags a request with its
 * route's template, which the REST layer sets once it has matched a resource; a request refused
 * before that ({@link HttpLayerProblems}, {@link RequestBodyGate}) was tagged with its own raw
 * path. The tenth security review sent 100 junk paths without a token and so used up Quarkus's 100
 * {@code uri} values ({@code quarkus.micrometer.binder.http-server.max-uri-tags}): no route of the
 * API got a series after that, until a restart, and refused agents' host names were published on
 * {@code /q/metrics}.
 */
final class RefusedUri {

  /** The tag value of every refusal made before routing. */
  static final String TAG = "REFUSED";

  /** Where Quarkus's HTTP metrics read a request's route template (a context-local of Vert.x). */
  static final String TEMPLATE_KEY = "UrlPathTemplate";

  private RefusedUri() {}

  /** Tags the request as refused unless a route already gave it a template. */
  static void tag(RoutingContext ctx) {
    if (ctx.request() instanceof HttpServerRequestInternal internal) {
      if (internal.context() instanceof ContextInternal context) {
        context.localContextData().putIfAbsent(TEMPLATE_KEY, TAG);
      }
    }
  }
}
