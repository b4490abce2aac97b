package dev.fabricscope.security;

import dev.fabricscope.inventory.TokenStore;
import dev.fabricscope.inventory.TokenStore.Role;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;

/**
 * Whether a write's credentials may belong to someone allowed to send its body, judged before a
 * byte of the body is read (the API's {@code RequestBodyGate}). A body sent with a made-up, revoked
 * or forged credential is never read: fabricscope's own tokens are looked up, a Kubernetes
 * service-account token is reviewed by the API server (its answer is kept, so the resource's own
 * check reuses it), and a sign-on credential (a bearer JWT, the browser's session cookie) is
 * verified by quarkus-oidc once its authentication has run ({@link #signedOnRefusal}). The
 * resource's own role check still decides the write; this only decides whether its body is read.
 */
@ApplicationScoped
public class WriterCredentials {

  @Inject Access access;

  @Inject SignOn signOn;

  @Inject KubernetesAgents kubernetesAgents;

  /**
   * What a write's bearer credential was found to be: admitted (who it is), refused (why: a 401),
   * or possibly the identity provider's JWT, which only quarkus-oidc can verify, after its
   * authentication ran ({@link #signedOnRefusal}).
   */
  public sealed interface Standing {
    /** An active fabricscope token, or a Kubernetes token the API server approved. */
    record Admitted(Caller caller) implements Standing {}

    /** Not a credential whose body is read; {@code why} is the 401's detail. */
    record Refused(String why) implements Standing {}

    /** A JWT-shaped secret while sign-on is on: left to sign-on's verification. */
    record SignOnToVerify() implements Standing {}
  }

  /**
   * Whether a request without a bearer token carries sign-on's session cookie (quarkus-oidc's
   * {@code q_session}) while sign-on is on: then only its verification can tell. Reads a header;
   * never blocks.
   */
  public boolean signOnCookie(HttpServerRequest request) {
    String cookie = request.getHeader("Cookie");
    return signOn.enabled() && cookie != null && cookie.contains("q_session");
  }

  /**
   * The standing of a write's {@code Authorization} header sent from {@code address}: an active
   * fabricscope token is admitted, a revoked one refused; a Kubernetes token is admitted only once
   * the API server approved it; a JWT-shaped secret while sign-on is on is left to sign-on's
   * verification; anything else is refused. Blocking: the token table, the API server's review.
   */
  public Standing of(String authorization, String address) {
    String secret = Tokens.bearerSecret(authorization);
    if (secret == null) {
      return new Standing.Refused("a bearer token is required (Authorization: Bearer <token>)");
    }
    Optional<TokenStore.Token> own =
        secret.isEmpty() ? Optional.empty() : access.lookup(Tokens.hash(secret));
    if (own.isPresent()) {
      return own.get().active()
          ? new Standing.Admitted(Caller.of(own.get()))
          : new Standing.Refused("this token was revoked");
    }
    KubernetesAgents.Outcome agent = kubernetesAgents.review(secret, address);
    if (agent != null && agent.caller() != null) {
      return new Standing.Admitted(agent.caller());
    }
    if (signOn.enabled() && Tokens.jwtShaped(secret)) {
      return new Standing.SignOnToVerify();
    }
    return new Standing.Refused(
        agent != null ? agent.refusal() : "this bearer token is not one of this server's");
  }

  /**
   * Why the identity quarkus-oidc verified from a request's sign-on credential may not send its
   * body, or null when it may: no identity, or an anonymous one, means the credential is not valid
   * (not the provider's, expired, signed out). A verified identity's role is left to the resource,
   * which answers in its own words once it has the body (a 403 for a viewer's import): it is a
   * person the provider vouches for, not an anonymous sender.
   */
  public static String signedOnRefusal(SecurityIdentity identity) {
    return identity == null || identity.isAnonymous()
        ? "the sign-on credential is not valid (not the identity provider's, expired or signed out)"
        : null;
  }

  /** The fabricscope role a verified sign-on identity's provider roles map onto; null when none. */
  public Role signedOnRole(SecurityIdentity identity) {
    return signOn.roleOf(identity);
  }
}
