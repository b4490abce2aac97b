package dev.fabricscope.api;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Links to a host's page and API, and the percent-encoding of the text put into them. A host name
 * is whatever a report said (spaces, {@code /}, {@code ?}, {@code #}, non-ASCII): written raw into
 * a path it would end the segment or start a query, so each one goes through {@link #encode}.
 */
public final class HostPaths {

  private HostPaths() {}

  /**
   * {@code text} percent-encoded (UTF-8) for one path segment or one query value. {@link
   * URLEncoder} writes a space as {@code +}, which only a form's query reads as a space (a path
   * keeps a plus sign): a space becomes {@code %20}, which both read the same.
   */
  public static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The host's page, {@code /hosts/NAME}. */
  public static String page(String host) {
    return "/hosts/" + encode(host);
  }

  /** The host in the API, {@code /api/v1/hosts/NAME}. */
  public static String api(String host) {
    return "/api/v1/hosts/" + encode(host);
  }
}
