package dev.fabricscope.bandwidth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fabricscope.security.ApiException;
import java.io.IOException;
import java.util.Iterator;
import java.util.Set;

/**
 * Strict reading of small JSON bodies (bandwidth-test requests, agent events and capabilities):
 * bounded size, an object with known fields only, each of the expected JSON type. Shape errors are
 * 400 problems that name the field; values are checked by the caller (422).
 */
final class JsonFields {

  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonFields() {}

  /** Parses a body of at most {@code maxBytes}. */
  static JsonNode parse(byte[] body, int maxBytes, String what) {
    if (body == null || body.length == 0) {
      throw ApiException.badRequest(what + ": a JSON body is required");
    }
    if (body.length > maxBytes) {
      throw new ApiException(
          413, "Body too large", what + " may be at most " + maxBytes + " bytes");
    }
    try {
      JsonNode n = JSON.readTree(body);
      if (n == null) {
        throw ApiException.badRequest(what + ": a JSON body is required");
      }
      return n;
    } catch (IOException e) {
      throw ApiException.badRequest(what + ": the JSON body does not read");
    }
  }

  /** Requires an object holding no other fields than {@code allowed}. */
  static JsonNode object(JsonNode n, String field, Set<String> allowed) {
    if (n == null || !n.isObject()) {
      throw ApiException.badRequest(field + " must be a JSON object");
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!allowed.contains(name)) {
        throw ApiException.badRequest(
            field + ": unknown field '" + Endpoint.printable(name) + "'; known: " + allowed);
      }
    }
    return n;
  }

  /** A string field, or null when absent or JSON null. */
  static String text(JsonNode parent, String field, int maxLength) {
    JsonNode v = parent.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw ApiException.badRequest(field + " must be a string");
    }
    if (v.asText().length() > maxLength) {
      throw unprocessable(field + " is longer than " + maxLength + " characters");
    }
    return v.asText();
  }

  /** An integral number field in {@code [min, max]}, or null when absent or JSON null. */
  static Long integer(JsonNode parent, String field, long min, long max) {
    JsonNode v = parent.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw ApiException.badRequest(field + " must be a whole number");
    }
    long n = v.asLong();
    if (n < min || n > max) {
      throw unprocessable(field + ": " + n + " is outside " + min + " to " + max);
    }
    return n;
  }

  /** A boolean field, or {@code dflt} when absent or JSON null. */
  static boolean bool(JsonNode parent, String field, boolean dflt) {
    JsonNode v = parent.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isBoolean()) {
      throw ApiException.badRequest(field + " must be true or false");
    }
    return v.asBoolean();
  }

  /** A 422 problem about a bandwidth test's values. */
  static ApiException unprocessable(String detail) {
    return new ApiException(422, "Invalid bandwidth test", detail);
  }
}
