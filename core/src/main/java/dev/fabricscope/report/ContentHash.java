package dev.fabricscope.report;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The content hash of a report: SHA-256 of its canonical JSON bytes ({@link ReportJson}), in
 * lower-case hex (64 characters). The agent spools a report only when this changed, names it in
 * heartbeats, and the server stores it with each snapshot and answers a known one with {@code
 * UNCHANGED}: both sides must compute it alike, hence once, here.
 */
public final class ContentHash {

  private ContentHash() {}

  /** The hash of {@code body}, the report's bytes as sent. */
  public static String of(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
