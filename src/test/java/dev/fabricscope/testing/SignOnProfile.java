package dev.fabricscope.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * Single sign-on on, pointed at Quarkus's in-process OpenID Connect provider ({@code
 * OidcWiremockTestResource}, whose URL it publishes as {@code keycloak.url}); anonymous reads off
 * as in production; the audience list names the client and the provider's access-token audience.
 * The provider's {@code user} group maps onto viewer, as its code-flow user {@code alice} (groups
 * user, admin) has no fabricscope group.
 */
public class SignOnProfile implements QuarkusTestProfile {
  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of(
        "quarkus.oidc.tenant-enabled", "true",
        "quarkus.oidc.auth-server-url", "${keycloak.url}/realms/quarkus/",
        "quarkus.oidc.client-id", "quarkus-web-app",
        "quarkus.oidc.credentials.secret", "secret",
        // the in-process provider's access tokens are for https://server.example.com, its ID
        // tokens for the client: the documented list for a provider that stamps an API audience
        "quarkus.oidc.token.audience", "quarkus-web-app,https://server.example.com",
        "fabricscope.oidc.viewer-roles", "fabricscope-viewer,user",
        "fabricscope.auth.anonymous-read", "false");
  }
}
