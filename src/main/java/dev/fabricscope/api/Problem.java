package dev.fabricscope.api;

/**
 * An RFC 9457 problem detail, served as {@code application/problem+json}.
 *
 * @param type URI identifying the problem type ({@code about:blank} when the HTTP status says it
 *     all)
 * @param title short summary of the problem type
 * @param status HTTP status code
 * @param detail explanation of this occurrence
 */
public record Problem(String type, String title, int status, String detail) {

  /** The media type problem details are served as. */
  public static final String MEDIA_TYPE = "application/problem+json";

  /** Seconds a 429 or 503 asks the client to wait when its refusal names no other time. */
  static final long RETRY_AFTER_SECONDS = 5;

  /**
   * The headers an answer of {@code status} carries beside its problem: a 401 names the scheme to
   * authenticate with (RFC 9110 section 11.6.1), a 429 or 503 when to retry (section 10.2.3).
   *
   * @param retryAfterSeconds the wait a 429 or 503 asks for, in seconds; 0 for {@link
   *     #RETRY_AFTER_SECONDS}
   */
  static java.util.Map<String, String> headers(int status, long retryAfterSeconds) {
    if (status == 401) {
      return java.util.Map.of("WWW-Authenticate", "Bearer realm=\"fabricscope\"");
    }
    if (status == 429 || status == 503) {
      long wait = retryAfterSeconds > 0 ? retryAfterSeconds : RETRY_AFTER_SECONDS;
      return java.util.Map.of("Retry-After", Long.toString(wait));
    }
    return java.util.Map.of();
  }
}
