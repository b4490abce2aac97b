package dev.fabricscope.security;

/**
 * An error answered as {@code application/problem+json} with the given status; the message is for a
 * person.
 */
public class ApiException extends RuntimeException {
  private final int status;
  private final String title;

  public ApiException(int status, String title, String detail) {
    super(detail);
    this.status = status;
    this.title = title;
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
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
