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
}
