package dev.fabricscope.plans;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.fabricscope.plan.PlanEdit;
import dev.fabricscope.security.ApiException;
import dev.fabricscope.topology.HostNames;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Request bodies of the plan API, read strictly: a JSON object of known fields, each of its type,
 * within size limits; anything else is a 400 that says what was expected.
 */
final class PlanBodies {

  /** The largest body the plan API reads: 200 edits fit many times over. */
  static final int MAX_BODY = 256 * 1024;

  static final int MAX_NAME = 200;
  static final int MAX_NOTE = 1000;

  /** {@code POST /api/v1/plans}. */
  record Create(String name, String host) {}

  /** {@code POST /api/v1/plans/{id}/versions}. */
  record NewVersion(int basedOn, List<PlanEdit> edits, String note) {}

  /**
   * {@code POST /api/v1/plans/{id}/preview}.
   *
   * @param a optional: one device of a pair whose verdict the preview also answers (the plan page's
   *     verdict panel follows unsaved edits this way)
   * @param b the other device, given with {@code a}
   * @param flows optional: a custom list of concurrent flows ({@code SRC>DST}) instead of a pattern
   * @param interSocketGBps optional capacity override, GB/s per direction
   * @param memoryGBps optional capacity override, GB/s per direction and NUMA node
   */
  record Preview(
      List<PlanEdit> edits,
      String pattern,
      String a,
      String b,
      List<String> flows,
      Double interSocketGBps,
      Double memoryGBps) {}

  /** The longest flow ({@code network:BDF/PORT>network:BDF/PORT} is 43 characters). */
  static final int MAX_FLOW = 100;

  private PlanBodies() {}

  static Create create(byte[] body) {
    JsonNode n = object(body, Set.of("name", "host"));
    String host = text(n, "host", 255, true);
    if (!HostNames.valid(host)) {
      throw ApiException.badRequest("host is not a host name: " + host);
    }
    String name = text(n, "name", MAX_NAME, false);
    return new Create(name == null || name.isBlank() ? host + " plan" : name.strip(), host);
  }

  static NewVersion newVersion(byte[] body) {
    JsonNode n = object(body, Set.of("basedOn", "edits", "note"));
    JsonNode based = n.get("basedOn");
    if (based == null || !based.canConvertToInt() || !based.isIntegralNumber()) {
      throw ApiException.badRequest("basedOn must be the version number the edits start from");
    }
    return new NewVersion(based.intValue(), edits(n), text(n, "note", MAX_NOTE, false));
  }

  static Preview preview(byte[] body) {
    JsonNode n =
        object(
            body, Set.of("edits", "pattern", "a", "b", "flows", "interSocketGBps", "memoryGBps"));
    String a = text(n, "a", 64, false);
    String b = text(n, "b", 64, false);
    if ((a == null) != (b == null)) {
      throw ApiException.badRequest("a and b name a pair: give both or neither");
    }
    return new Preview(
        edits(n),
        text(n, "pattern", 32, false),
        a,
        b,
        flows(n),
        number(n, "interSocketGBps"),
        number(n, "memoryGBps"));
  }

  /** {@code flows}: absent, or an array of SRC>DST strings (checked by the planner's reader). */
  private static List<String> flows(JsonNode n) {
    JsonNode f = n.get("flows");
    if (f == null || f.isNull()) {
      return null;
    }
    if (!f.isArray()) {
      throw ApiException.badRequest("flows must be an array of \"SRC>DST\" strings");
    }
    List<String> out = new java.util.ArrayList<>();
    for (JsonNode x : f) {
      if (!x.isTextual() || x.textValue().length() > MAX_FLOW) {
        throw ApiException.badRequest(
            "flows must be an array of \"SRC>DST\" strings of at most " + MAX_FLOW + " characters");
      }
      out.add(x.textValue());
    }
    return out;
  }

  /** A number field (GB/s), null when absent; its range is PlanService.options's to check. */
  private static Double number(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isNumber()) {
      throw ApiException.badRequest(field + " must be a number of GB/s");
    }
    return v.doubleValue();
  }

  private static List<PlanEdit> edits(JsonNode n) {
    JsonNode e = n.get("edits");
    if (e == null || !e.isArray()) {
      throw ApiException.badRequest("edits must be an array of edits (objects with \"op\")");
    }
    try {
      return PlanService.readEdits(PlanService.EDITS.writeValueAsString(e));
    } catch (JsonProcessingException x) {
      throw ApiException.badRequest("edits: " + x.getOriginalMessage());
    }
  }

  private static JsonNode object(byte[] body, Set<String> allowed) {
    return object(body, allowed, MAX_BODY);
  }

  /** A JSON object of at most {@code maxBytes} with only {@code allowed} fields; else a 400/413. */
  static JsonNode object(byte[] body, Set<String> allowed, int maxBytes) {
    if (body == null || body.length == 0) {
      throw ApiException.badRequest("a JSON object is required");
    }
    if (body.length > maxBytes) {
      throw new ApiException(
          413, "Content too large", "the body is " + body.length + " bytes; at most " + maxBytes);
    }
    JsonNode n;
    try {
      n = PlanService.EDITS.readTree(body);
    } catch (java.io.IOException e) {
      throw ApiException.badRequest("the body is not JSON: " + e.getMessage().split("\n")[0]);
    }
    if (n == null || !n.isObject()) {
      throw ApiException.badRequest("a JSON object is required");
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw ApiException.badRequest("unknown field " + f + "; allowed: " + allowed);
      }
    }
    return n;
  }

  private static String text(JsonNode n, String field, int max, boolean required) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw ApiException.badRequest(field + " is required");
      }
      return null;
    }
    if (!v.isTextual()) {
      throw ApiException.badRequest(field + " must be a string");
    }
    String s = v.textValue();
    if (s.length() > max || s.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw ApiException.badRequest(
          field + " must be at most " + max + " characters without control characters");
    }
    return s;
  }
}
