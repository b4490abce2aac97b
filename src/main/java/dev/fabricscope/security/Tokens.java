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
