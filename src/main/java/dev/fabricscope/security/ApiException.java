package dev.fabricscope.security;

/**
 * An error answered as {@code application/problem+json} with the given status; the message is for a
 * person.
 */
public class ApiException extends RuntimeException {
  private final int status;
  private final String title;
  private final long retryAfterSeconds;

  public ApiException(int status, String title, String detail) {
    this(status, title, detail, 0);
  }

  /**
   * @param retryAfterSeconds the {@code Retry-After} of a 429 or 503 (seconds, ≥ 1), or 0 for the
   *     default
   */
  public ApiException(int status, String title, String detail, long retryAfterSeconds) {
    super(detail);
    this.status = status;
    this.title = title;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  /** The {@code Retry-After} this refusal asks for (seconds), or 0 for the default. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public static ApiException unauthorized() {
    return new ApiException(
        401, "Unauthorized", "a bearer token is required (Authorization: Bearer <token>)");
  }

  public static ApiException forbidden(String detail) {
    return new ApiException(403, "Forbidden", detail);
  }

  public static ApiException notFound(String detail) {
    return new ApiException(404, "Not found", detail);
  }

  public static ApiException badRequest(String detail) {
    return new ApiException(400, "Bad request", detail);
  }

  public static ApiException unprocessable(String detail) {
    return new ApiException(422, "Invalid report", detail);
  }
}
