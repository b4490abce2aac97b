package dev.fabricscope.security;

import dev.fabricscope.api.HttpLayerProblems;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.impl.ServerCookie;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Every cookie this server sets carries a {@code SameSite} attribute: {@code Lax} where the code
 * that set it gave none. quarkus-oidc sets it on its session and state cookies (from its config),
 * but not on {@code q_post_logout}, the state of a logout on its way through the provider (the
 * eighth review's unrated note); browsers that do not default to Lax would send such a cookie on
 * cross-site requests. Lax still sends it on the provider's top-level redirect back here, which is
 * all the logout needs. Set just before the headers are written, when every cookie of the answer is
 * known (Vert.x renders cookies after the headers-end handlers).
 */
@ApplicationScoped
public class LaxCookies {

  void routes(@Observes Router router) {
    router.route().order(HttpLayerProblems.ORDER).handler(this::onEveryAnswer);
  }

  private void onEveryAnswer(RoutingContext ctx) {
    ctx.addHeadersEndHandler(v -> laxWhereUnset(ctx));
    ctx.next();
  }

  private static void laxWhereUnset(RoutingContext ctx) {
    for (Cookie c : ctx.request().cookies()) {
      // the request's own cookies are in the same jar, unchanged: only the answer's are set
      if (c instanceof ServerCookie s && s.isChanged() && s.getSameSite() == null) {
        s.setSameSite(CookieSameSite.LAX);
      }
    }
  }
}
