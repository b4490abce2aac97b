package dev.fabricscope.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Which secrets are sent to the API server ({@link KubernetesTokenClaims}): only a JWT whose
 * payload has the {@code kubernetes.io} claim and our audience; nothing else, however it is built,
 * and no input throws.
 */
class KubernetesTokenClaimsTest {

  static String jwt(String payload) {
    Base64.Encoder b = Base64.getUrlEncoder().withoutPadding();
    return b.encodeToString("{}".getBytes(StandardCharsets.UTF_8))
        + "."
        + b.encodeToString(payload.getBytes(StandardCharsets.UTF_8))
        + ".c2ln";
  }

  @Test
  void onlyKubernetesTokensForOurAudience() {
    String k8s = ",\"kubernetes.io\":{\"namespace\":\"fabric\"}";
    assertEquals(
        1234,
        KubernetesTokenClaims.of(jwt("{\"aud\":[\"fs\"],\"exp\":1234" + k8s + "}"), "fs")
            .expiresEpochSecond());
    assertEquals(
        0, KubernetesTokenClaims.of(jwt("{\"aud\":\"fs\"" + k8s + "}"), "fs").expiresEpochSecond());
    assertNull(KubernetesTokenClaims.of(jwt("{\"aud\":[\"other\"]" + k8s + "}"), "fs"));
    assertNull(KubernetesTokenClaims.of(jwt("{\"aud\":[\"fs\"]}"), "fs"), "an OIDC token");
    assertNull(KubernetesTokenClaims.of(jwt("{\"aud\":[\"fs\"],\"kubernetes.io\":1}"), "fs"));
    assertNull(KubernetesTokenClaims.of(jwt("[1,2]"), "fs"));
    assertNull(KubernetesTokenClaims.of(jwt("not json"), "fs"));
    assertNull(KubernetesTokenClaims.of("a.b", "fs"));
    assertNull(KubernetesTokenClaims.of("a.b.c.d", "fs"));
    assertNull(KubernetesTokenClaims.of("a.!!.c", "fs"));
    assertNull(
        KubernetesTokenClaims.of(jwt("{\"aud\":[\"fs\"]" + k8s + "}") + "x".repeat(20_000), "fs"));
  }

  /** Random strings from JWT characters and random payloads: never a throw, never a false yes. */
  @Test
  void generatedSecretsNeverThrowAndNeverPassWithoutTheClaims() {
    Random r = new Random(20261206);
    String alphabet = "ABCxyz019-_.";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder s = new StringBuilder();
      int n = r.nextInt(60);
      for (int j = 0; j < n; j++) {
        s.append(alphabet.charAt(r.nextInt(alphabet.length())));
      }
      assertNull(KubernetesTokenClaims.of(s.toString(), "fs"), s.toString());
      String payload =
          r.nextBoolean()
              ? "{\"aud\":" + (r.nextBoolean() ? "\"fs\"" : "[\"x\"]") + "}"
              : "{\"kubernetes.io\":{}" + (r.nextBoolean() ? ",\"aud\":\"y\"" : "") + "}";
      assertNull(KubernetesTokenClaims.of(jwt(payload), "fs"), payload);
    }
  }
}
