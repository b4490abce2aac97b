package dev.fabricscope.security;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.util.Locale;

/**
 * Cross-site request forgery guard for callers signed on by a session cookie. A bearer token is
 * sent only by code that holds it; a cookie is sent by the browser on its own, so a write (any
 * method but GET, HEAD, OPTIONS) that rides on a session must come from a page of this server: its
 * {@code Origin} header (browsers send it on every cross-origin request and on same-origin POST,
 * PUT, PATCH and DELETE) must name the host the request was sent to. The session cookie is also
 * {@code SameSite=lax} (quarkus-oidc's default), which this check does not rely on.
 */
public final class SessionWrites {

  private SessionWrites() {}

  /** {@code caller} (with a role), or 403 when a session write does not come from this origin. */
  static Caller checked(HttpServerRequest request, Caller caller) {
    Caller withRole = Access.withRole(caller);
    HttpMethod m = request.method();
    if (m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS) {
      return withRole;
    }
    if (!fromOwnPage(request)) {
      throw ApiException.forbidden(
          "writes through a sign-on session must come from this server's pages"
              + " (the Origin header is missing or names another site); scripts use a token");
    }
    return withRole;
  }

  /**
   * Whether {@code request} comes from a page of this server: its {@code Origin} names the host it
   * was sent to (what a session write must show).
   */
  public static boolean fromOwnPage(HttpServerRequest request) {
    return sameOrigin(request.getHeader("Origin"), request.authority());
  }

  /** Whether {@code origin} ({@code scheme://host[:port]}) names the request's own authority. */
  static boolean sameOrigin(String origin, io.vertx.core.net.HostAndPort authority) {
    if (origin == null || authority == null || origin.equals("null")) {
      return false;
    }
    URI u;
    try {
      u = new URI(origin);
    } catch (java.net.URISyntaxException e) {
      return false;
    }
    if (u.getHost() == null || u.getPath() != null && !u.getPath().isEmpty()) {
      return false;
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    int defaultPort = scheme.equals("https") ? 443 : 80;
    int port = u.getPort() != -1 ? u.getPort() : defaultPort;
    int wanted = authority.port() != -1 ? authority.port() : defaultPort;
    return (scheme.equals("http") || scheme.equals("https"))
        && u.getHost().equalsIgnoreCase(authority.host())
        && port == wanted;
  }
}
