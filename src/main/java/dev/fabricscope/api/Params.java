package dev.fabricscope.api;

import dev.fabricscope.security.ApiException;

/**
 * Numbers and booleans from query and path parameters, parsed here rather than by the framework: a
 * JAX-RS conversion failure is a 404 (and a {@code Boolean} reads anything but {@code true} as
 * false), while a malformed value is the client's mistake, a 400 problem that names the parameter.
 */
public final class Params {

  private Params() {}

  /**
   * An int in {@code [min, max]}, or {@code dflt} when absent or empty.
   *
   * @throws ApiException 400 when the value is not a decimal number in range
   */
  public static int intIn(String name, String value, int dflt, int min, int max) {
    if (value == null || value.isEmpty()) {
      return dflt;
    }
    long v = parse(name, value, min + ".." + max);
    if (v < min || v > max) {
      throw range(name, value, min + ".." + max);
    }
    return (int) v;
  }

  /**
   * A snapshot or token id (a positive long), or null when absent.
   *
   * @throws ApiException 400 when the value is not a positive decimal number
   */
  public static Long id(String name, String value) {
    if (value == null) {
      return null;
    }
    long v = parse(name, value, "a positive id");
    if (v < 1) {
      throw range(name, value, "a positive id");
    }
    return v;
  }

  /**
   * {@code true} or {@code false} (any case), or null when absent or empty.
   *
   * @throws ApiException 400 for any other value
   */
  public static Boolean bool(String name, String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    if (value.equalsIgnoreCase("true")) {
      return true;
    }
    if (value.equalsIgnoreCase("false")) {
      return false;
    }
    throw ApiException.badRequest(name + " must be true or false, not '" + shorten(value) + "'");
  }

  /**
   * One of {@code allowed} (compared in any case, answered as written there), or null when absent
   * or empty.
   *
   * @throws ApiException 400 naming the allowed values for any other value
   */
  public static String oneOf(String name, String value, java.util.List<String> allowed) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    for (String a : allowed) {
      if (a.equalsIgnoreCase(value)) {
        return a;
      }
    }
    throw range(name, value, "one of " + String.join(", ", allowed));
  }

  /**
   * Text matched exactly against stored text (a host's creator): at most {@code maxLength}
   * characters, no control characters (PostgreSQL refuses a NUL; the others only reach logs) and no
   * half of a surrogate pair; null when absent or empty. The value is not echoed: what was refused
   * is the client's, and may be neither printable nor short.
   *
   * @throws ApiException 400 for any other value
   */
  public static String text(String name, String value, int maxLength) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    if (value.length() > maxLength
        || value
            .codePoints()
            .anyMatch(
                c -> Character.isISOControl(c) || Character.getType(c) == Character.SURROGATE)) {
      throw ApiException.badRequest(
          name + " must be at most " + maxLength + " characters, none of them control characters");
    }
    return value;
  }

  private static long parse(String name, String value, String expected) {
    // at most 19 digits: Long.parseLong accepts a leading '+', which no client needs
    if (!value.matches("-?[0-9]{1,19}")) {
      throw range(name, value, expected);
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw range(name, value, expected);
    }
  }

  private static ApiException range(String name, String value, String expected) {
    return ApiException.badRequest(
        name + " must be " + expected + ", not '" + shorten(value) + "'");
  }

  // a hostile value is echoed only in part
  private static String shorten(String value) {
    return value.length() <= 40 ? value : value.substring(0, 40) + "...";
  }
}
