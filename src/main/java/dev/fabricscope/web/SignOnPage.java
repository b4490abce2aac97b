package dev.fabricscope.web;

import dev.fabricscope.security.ApiException;
import dev.fabricscope.security.SessionWrites;
import dev.fabricscope.security.SignOn;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;

/**
 * {@code /login}: the browser's single sign-on. Unauthenticated, it starts quarkus-oidc's
 * authorization-code flow (a redirect to the identity provider, which comes back here); signed on,
 * it sends the browser on to {@code then}, a path of this server. {@code POST /logout} from a page
 * of this server ends the session ({@code quarkus.oidc.logout.path}); {@code GET /logout} is the
 * page with its button, and signs nobody out, so a link or an image on another site cannot (the
 * eighth review's unrated note; Django made the same change in 5.0). All are a 404 when single
 * sign-on is not configured.
 */
@Path("/")
public class SignOnPage {

  @Inject SignOn signOn;

  @Inject CurrentIdentityAssociation identities;

  /** Type-checked templates under {@code templates/SignOnPage/}. */
  @CheckedTemplate
  static class Templates {
    static native TemplateInstance logout();
  }

  /** Signs on, then redirects to {@code then} (default the fleet page). */
  @GET
  @Path("login")
  public Response login(@QueryParam("then") String then) {
    requireSignOn();
    if (identities.getIdentity().isAnonymous()) {
      // quarkus-oidc answers this with its challenge: the redirect to the provider's sign-in
      throw new UnauthorizedException();
    }
    return Response.seeOther(URI.create(localPath(then))).build();
  }

  /**
   * The sign-out page: a button that posts to {@code /logout}. It never asks for the identity:
   * quarkus-oidc signs out whatever request to its logout path it authenticates, whatever the
   * method, so a GET that did would let any link sign a person out.
   */
  @GET
  @Path("logout")
  @Produces(MediaType.TEXT_HTML)
  public TemplateInstance logoutPage() {
    requireSignOn();
    return Templates.logout();
  }

  /**
   * Signs out. quarkus-oidc does it (clears the session cookie, tells {@link
   * dev.fabricscope.security.SignOnSessions}, redirects to the provider's end-session endpoint)
   * while authenticating a request to its logout path; with proactive authentication off, asking
   * for the identity here is what authenticates it, after the Origin check (a form on another site
   * posts without this server's Origin, and its browser sends the {@code SameSite=lax} session
   * cookie on no cross-site POST either). Without a session, the fleet page.
   */
  @POST
  @Path("logout")
  public Response logout(@Context HttpServerRequest request) {
    requireSignOn();
    if (!SessionWrites.fromOwnPage(request)) {
      throw ApiException.forbidden(
          "sign out with the button on this server's /logout page"
              + " (the Origin header is missing or names another site)");
    }
    identities.getIdentity();
    return Response.seeOther(URI.create("/")).build();
  }

  private void requireSignOn() {
    if (!signOn.enabled()) {
      throw ApiException.notFound(
          "single sign-on is not configured here (quarkus.oidc.tenant-enabled); use a token");
    }
  }

  /**
   * {@code then} when it is a path of this server ({@code /…}, not {@code //host} or {@code /\}
   * which browsers read as another host), else {@code /}: no open redirect.
   */
  static String localPath(String then) {
    if (then == null
        || then.length() > 2048
        || !then.startsWith("/")
        || then.startsWith("//")
        || then.startsWith("/\\")
        || then.chars().anyMatch(c -> c < 0x21 || c == 0x7f || c == '\\')) {
      return "/";
    }
    try {
      URI u = new URI(then);
      return u.getScheme() == null && u.getRawAuthority() == null ? then : "/";
    } catch (java.net.URISyntaxException e) {
      return "/";
    }
  }
}
