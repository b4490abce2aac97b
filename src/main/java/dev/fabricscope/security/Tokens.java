package dev.fabricscope.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Token secrets: random, prefixed, stored only as SHA-256. */
public final class Tokens {

  private static final SecureRandom RANDOM = new SecureRandom();

  private Tokens() {}

  /** A new secret: {@code fsk_} and 32 random bytes in hex. */
  public static String newSecret() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return "fsk_" + HexFormat.of().formatHex(b);
  }

  /**
   * The secret of an {@code Authorization: Bearer <secret>} header, trimmed (the scheme's name in
   * any case, RFC 9110 section 11.1); null when there is no header or it names another scheme.
   */
  public static String bearerSecret(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    return authorization.substring(7).trim();
  }

  /**
   * Whether a secret has the shape of a signed JWT (RFC 7519: three base64url parts, the last the
   * signature), as an identity provider's access token and a Kubernetes service-account token do.
   * The shape only: the signature is checked by whoever accepts it.
   */
  static boolean jwtShaped(String secret) {
    return JWT.matcher(secret).matches();
  }

  private static final java.util.regex.Pattern JWT =
      java.util.regex.Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

  /** The stored form of a secret. */
  public static String hash(String secret) {
    return sha256(secret.getBytes(StandardCharsets.UTF_8));
  }

  /** SHA-256 in lower-case hex. */
  public static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
