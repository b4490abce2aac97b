package dev.fabricscope.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Base64;

/**
 * What a bearer secret claims to be, read from its JWT payload without checking the signature (the
 * API server's review checks it): only a token that says it is a Kubernetes service-account token
 * ({@code kubernetes.io} claim) for our audience is sent to the API server. An identity provider's
 * JWT or a random string never leaves the server, and its {@code exp} bounds how long a review is
 * kept.
 *
 * @param expiresEpochSecond the {@code exp} claim, seconds since the epoch; 0 when absent
 */
record KubernetesTokenClaims(long expiresEpochSecond) {

  private static final int MAX_TOKEN = 16_384;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The claims of a Kubernetes token for {@code audience}, or null when it does not claim so. */
  static KubernetesTokenClaims of(String secret, String audience) {
    if (secret.length() > MAX_TOKEN || !Tokens.jwtShaped(secret)) {
      return null;
    }
    int dot = secret.indexOf('.');
    String payload = secret.substring(dot + 1, secret.indexOf('.', dot + 1));
    JsonNode claims;
    try {
      claims = JSON.readTree(Base64.getUrlDecoder().decode(payload));
    } catch (IllegalArgumentException | IOException e) {
      return null;
    }
    if (claims == null || !claims.isObject() || !claims.path("kubernetes.io").isObject()) {
      return null;
    }
    JsonNode aud = claims.path("aud");
    boolean ours =
        aud.isTextual()
            ? aud.asText().equals(audience)
            : aud.isArray()
                && java.util.stream.StreamSupport.stream(aud.spliterator(), false)
                    .anyMatch(a -> a.asText().equals(audience));
    if (!ours) {
      return null;
    }
    JsonNode exp = claims.path("exp");
    return new KubernetesTokenClaims(exp.canConvertToLong() ? exp.asLong() : 0);
  }
}
