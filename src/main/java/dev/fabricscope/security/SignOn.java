package dev.fabricscope.security;

import dev.fabricscope.config.FabricscopeConfig;
import dev.fabricscope.inventory.TokenStore.Role;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Single sign-on through OpenID Connect, beside fabricscope's own bearer tokens. When {@code
 * quarkus.oidc.tenant-enabled=true}, a request whose bearer secret is no fabricscope token, or that
 * has none, is asked of quarkus-oidc: a bearer JWT from the identity provider (scripts, other
 * services) or the session cookie of the browser's authorization-code sign-in ({@code /login}). The
 * provider's roles (the {@code groups} claim unless {@code quarkus.oidc.roles.role-claim-path} says
 * otherwise) map onto the viewer &lt; operator &lt; admin ladder through {@code
 * fabricscope.oidc.viewer-roles}, {@code operator-roles} and {@code admin-roles}; the highest match
 * wins, no match is no role (403). Agents never sign on: they write with agent tokens only. A
 * session signed out ({@link SignOnSessions}) is refused (401).
 */
@ApplicationScoped
public class SignOn {

  @ConfigProperty(name = "quarkus.oidc.tenant-enabled", defaultValue = "false")
  boolean enabled;

  @Inject FabricscopeConfig config;

  @Inject CurrentIdentityAssociation identities;

  @Inject SignOnSessions sessions;

  /** Whether sign-on is configured ({@code quarkus.oidc.tenant-enabled=true}). */
  public boolean enabled() {
    return enabled;
  }

  /**
   * The caller signed on through the identity provider, or empty when the request carries no
   * provider credential (no bearer JWT, no session cookie). Blocking: the first call of a request
   * verifies the token (signature, issuer, expiry, and an audience of {@code
   * quarkus.oidc.token.audience}: the client id unless configured), with the provider's keys
   * cached.
   *
   * @throws ApiException 401 when a provider credential is present but not valid, or its session
   *     was signed out
   */
  public Optional<Caller> caller() {
    if (!enabled) {
      return Optional.empty();
    }
    SecurityIdentity identity;
    try {
      identity = identities.getIdentity();
    } catch (AuthenticationFailedException e) {
      throw new ApiException(401, "Unauthorized", "the identity provider's token is not valid");
    }
    if (identity == null || identity.isAnonymous()) {
      return Optional.empty();
    }
    Caller.Session session = sessionOf(identity);
    if (session != null && sessions.signedOut(session)) {
      // quarkus-oidc's cookie holds the whole session: a copy kept past a logout would still pass
      throw new ApiException(401, "Unauthorized", "this sign-on session was signed out");
    }
    return Optional.of(
        new Caller(identity.getPrincipal().getName(), roleOf(identity), null, 0, session));
  }

  /**
   * The session of a signed-on identity, from the token quarkus-oidc built it from (the ID token of
   * a browser's session, else the bearer JWT); null when it has none.
   */
  static Caller.Session sessionOf(SecurityIdentity identity) {
    if (identity == null || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
      return null;
    }
    Object claim = jwt.getClaim("sid");
    String sid =
        claim instanceof jakarta.json.JsonString j
            ? j.getString()
            : claim instanceof String c ? c : null;
    String raw = jwt.getRawToken();
    String id;
    if (sid != null && !sid.isBlank()) {
      id = "sid:" + sid;
    } else if (raw != null) {
      id = "jwt:" + Tokens.hash(raw);
    } else {
      return null;
    }
    long exp = jwt.getExpirationTime();
    long iat = jwt.getIssuedAtTime();
    return new Caller.Session(
        id,
        exp > 0 ? Instant.ofEpochSecond(exp) : null,
        iat > 0 ? Instant.ofEpochSecond(iat) : null);
  }

  /** The highest fabricscope role the identity's provider roles map onto; null when none. */
  Role roleOf(SecurityIdentity identity) {
    if (config.oidc().adminRoles().stream().anyMatch(identity::hasRole)) {
      return Role.ADMIN;
    }
    if (config.oidc().operatorRoles().stream().anyMatch(identity::hasRole)) {
      return Role.OPERATOR;
    }
    if (config.oidc().viewerRoles().stream().anyMatch(identity::hasRole)) {
      return Role.VIEWER;
    }
    return null;
  }
}
