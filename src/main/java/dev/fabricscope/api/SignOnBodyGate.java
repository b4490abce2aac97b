package dev.fabricscope.api;

import dev.fabricscope.security.Caller;
import dev.fabricscope.security.WriterCredentials;
import io.quarkus.logging.Log;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.function.BiConsumer;

/**
 * The second half of {@link RequestBodyGate}, for writes whose credential only sign-on can verify:
 * a bearer JWT or a session cookie while single sign-on is on. quarkus-oidc verifies them in its
 * authentication route (signature, issuer, expiry; the session cookie's tokens), which runs after
 * the first gate; this route runs right after it, still before the body is read. A credential it
 * does not accept is a 401 and the body stays unread; an accepted one takes its share of {@link
 * BodyBudget} as any other writer's. Before this (the last note's open point), made-up JWTs passed
 * the gate on their shape alone and could fill the body budget.
 */
@ApplicationScoped
public class SignOnBodyGate {

  /** Routing-context key: the kind of write whose sign-on credential waits for verification. */
  static final String PENDING = "fabricscope.sign-on-body-pending";

  /**
   * After quarkus-http's authentication, a filter of priority 200 (route order -200), and before
   * its authorization (order -100) and every resource.
   */
  static final int ORDER = -150;

  @Inject RequestBodyGate gate;

  @Inject WriterCredentials credentials;

  @Inject HttpLayerProblems problems;

  void routes(@Observes Router router) {
    router.route().order(ORDER).handler(this::verify);
  }

  private void verify(RoutingContext ctx) {
    BodyWrite write = ctx.get(PENDING);
    if (write == null) {
      ctx.next();
      return;
    }
    Uni<SecurityIdentity> identity = identityOf(ctx);
    if (identity == null) {
      // sign-on is on but its authentication did not run for this request: nothing verified it
      Log.warnf("No sign-on identity for %s %s", ctx.request().method(), ctx.request().path());
      problems.refuse(ctx, 401, WriterCredentials.signedOnRefusal(null));
      return;
    }
    ctx.request().pause();
    Context loop = ctx.vertx().getOrCreateContext();
    // A failed authentication is handed to the request's auth-failure handler, which fails the
    // route (a 500 here, and a second answer after ours); this gate answers it itself, so the
    // handler is set aside while it asks, and put back for the resource once it was verified.
    Object failureHandler = ctx.get(QuarkusHttpUser.AUTH_FAILURE_HANDLER);
    ctx.put(QuarkusHttpUser.AUTH_FAILURE_HANDLER, IGNORE_FAILURE);
    identity
        .subscribe()
        .with(
            id ->
                loop.runOnContext(
                    v -> {
                      if (failureHandler != null) {
                        ctx.put(QuarkusHttpUser.AUTH_FAILURE_HANDLER, failureHandler);
                      }
                      judge(ctx, write, id);
                    }),
            failure -> loop.runOnContext(v -> judge(ctx, write, null)));
  }

  /** Stands in for the auth-failure handler while this gate asks for the identity. */
  private static final BiConsumer<RoutingContext, Throwable> IGNORE_FAILURE = (c, t) -> {};

  private void judge(RoutingContext ctx, BodyWrite write, SecurityIdentity identity) {
    String refusal = WriterCredentials.signedOnRefusal(identity);
    if (refusal != null) {
      problems.refuse(ctx, 401, refusal);
    } else {
      String name = identity.getPrincipal().getName();
      gate.admit(
          ctx,
          write,
          new RequestBodyGate.Sender(Caller.personKey(name), credentials.signedOnRole(identity)));
    }
  }

  /** The identity quarkus-http authenticated (or will, deferred) for this request; null if none. */
  private static Uni<SecurityIdentity> identityOf(RoutingContext ctx) {
    if (ctx.user() instanceof QuarkusHttpUser user) {
      return Uni.createFrom().item(user.getSecurityIdentity());
    }
    return ctx.get(QuarkusHttpUser.DEFERRED_IDENTITY_KEY);
  }
}
