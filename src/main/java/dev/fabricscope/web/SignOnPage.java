package dev.fabricscope.web;

import dev.fabricscope.security.ApiException;
import dev.fabricscope.security.SignOn;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.net.URI;

/**
 * {@code /login}: the browser's single sign-on. Unauthenticated, it starts quarkus-oidc's
 * authorization-code flow (a redirect to the identity provider, which comes back here); signed on,
 * it sends the browser on to {@code then}, a path of this server. {@code /logout} ends the session
 * ({@code quarkus.oidc.logout.path}). Both are a 404 when single sign-on is not configured.
 */
@Path("/")
public class SignOnPage {

  @Inject SignOn signOn;

  @Inject CurrentIdentityAssociation identities;

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
   * Signs out. quarkus-oidc does it (clears the session cookie, tells {@link
   * dev.fabricscope.security.SignOnSessions}, redirects to the provider's end-session endpoint)
   * while authenticating a request to its logout path; with proactive authentication off, asking
   * for the identity here is what authenticates it. Without a session, the fleet page.
   */
  @GET
  @Path("logout")
  public Response logout() {
    requireSignOn();
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
