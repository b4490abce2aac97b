package dev.fabricscope.metrics;

import dev.fabricscope.api.HttpLayerProblems;
import dev.fabricscope.config.FabricscopeConfig;
import dev.fabricscope.security.Access;
import dev.fabricscope.security.AnonymousReads;
import dev.fabricscope.security.ApiException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * {@code /q/metrics} is read like the rest of the inventory (twelfth security review, finding 5):
 * with a token that may read (a viewer's, as Prometheus sends it with a ServiceMonitor's {@code
 * authorization}), or by anyone when {@code fabricscope.auth.anonymous-read} is on or {@code
 * fabricscope.metrics.open} says so. The chart's Ingress routes every path, so the series (fleet
 * size, findings by severity, test states, API traffic by route) were public to anyone who reached
 * the UI. Fabricscope's own bearer tokens are checked here (off the event loop: a token may need a
 * database lookup); a missing or refused one is a 401 or 403 problem.
 */
@ApplicationScoped
public class MetricsAccess {

  /** Before Quarkus's metrics handler, right after the HTTP layer's own checks. */
  static final int ORDER = HttpLayerProblems.ORDER + 1;

  @Inject Access access;
  @Inject AnonymousReads anonymousReads;
  @Inject FabricscopeConfig config;
  @Inject HttpLayerProblems layer;

  void routes(@Observes Router router) {
    if (config.metrics().open()) {
      return;
    }
    router.routeWithRegex("^/q/metrics(/.*)?$").order(ORDER).blockingHandler(this::check, false);
  }

  private void check(RoutingContext ctx) {
    if (access.anonymousRead() && ctx.request().getHeader("Authorization") == null) {
      // anonymous only under names no other site can point here (DNS rebinding); a request with
      // credentials has them checked below: any header at all let a rebound page past both checks
      // (nineteenth security review, finding 1)
      ApiException misdirected = anonymousReads.refusal(ctx.request());
      if (misdirected != null) {
        layer.refuse(ctx, misdirected);
      } else {
        ctx.next();
      }
      return;
    }
    try {
      access.requireRead(ctx.request());
    } catch (ApiException e) {
      layer.refuse(ctx, e);
      return;
    } catch (RuntimeException e) {
      // a sign-on session has no request context on this route: metrics take tokens only
      layer.refuse(ctx, ApiException.unauthorized());
      return;
    }
    ctx.next();
  }
}
