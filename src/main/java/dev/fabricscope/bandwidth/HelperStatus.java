package dev.fabricscope.bandwidth;

import static dev.fabricscope.bandwidth.JsonFields.unprocessable;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fabricscope.security.ApiException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One bandwidth helper as a host's agent reported it ({@code PUT
 * /api/v1/agents/{host}/capabilities}): the agent's {@code HelperCapability} plus the kinds the
 * helper measures, so the server can refuse a test the host cannot run before queueing it.
 *
 * @param name helper name ({@code membw}, {@code cuda}, {@code perftest})
 * @param present whether it can run on the host
 * @param version its version when present
 * @param devices what it can use ({@code numa:0}, {@code gpu:0}, {@code rdma:mlx5_0:1})
 * @param detail where it was found, or why it is absent
 * @param kinds the kinds it measures ({@link BandwidthKind#json()} names)
 */
public record HelperStatus(
    String name,
    boolean present,
    String version,
    List<String> devices,
    String detail,
    List<String> kinds) {

  static final int MAX_BODY = 256 * 1024;
  static final int MAX_HELPERS = 32;
  static final int MAX_DEVICES = 1024;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,31}");
  private static final Pattern DEVICE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9:._-]{0,63}");
  private static final Set<String> FIELDS =
      Set.of("name", "present", "version", "devices", "detail", "kinds");

  /** Reads and checks a helper list (400 shape, 413 size, 422 values). */
  public static List<HelperStatus> parseList(byte[] body) {
    JsonNode n = JsonFields.parse(body, MAX_BODY, "a helper list");
    if (!n.isArray()) {
      throw ApiException.badRequest("capabilities are a JSON array of helpers");
    }
    if (n.size() > MAX_HELPERS) {
      throw unprocessable("at most " + MAX_HELPERS + " helpers");
    }
    List<HelperStatus> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (JsonNode h : n) {
      JsonFields.object(h, "helper", FIELDS);
      String name = JsonFields.text(h, "name", 32);
      if (name == null || !NAME.matcher(name).matches()) {
        throw unprocessable("helper name: letters, digits, '.', '_', '-' (1-32)");
      }
      if (!names.add(name)) {
        throw unprocessable("helper " + name + " listed twice");
      }
      if (!h.has("present")) {
        throw unprocessable(name + ": present is required");
      }
      out.add(
          new HelperStatus(
              name,
              JsonFields.bool(h, "present", false),
              AgentEvent.oneLine(JsonFields.text(h, "version", 100)),
              strings(h.get("devices"), name + ".devices", MAX_DEVICES, DEVICE),
              AgentEvent.oneLine(JsonFields.text(h, "detail", 500)),
              kinds(h.get("kinds"), name)));
    }
    return out;
  }

  private static List<String> kinds(JsonNode v, String name) {
    List<String> kinds = strings(v, name + ".kinds", BandwidthKind.values().length, null);
    for (String k : kinds) {
      try {
        BandwidthKind.of(k);
      } catch (IllegalArgumentException e) {
        throw unprocessable(name + ".kinds: " + e.getMessage());
      }
    }
    return kinds;
  }

  private static List<String> strings(JsonNode v, String field, int max, Pattern pattern) {
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      throw ApiException.badRequest(field + " must be an array of strings");
    }
    if (v.size() > max) {
      throw unprocessable(field + ": at most " + max);
    }
    List<String> out = new ArrayList<>();
    for (JsonNode s : v) {
      if (!s.isTextual()) {
        throw ApiException.badRequest(field + " must be an array of strings");
      }
      if (pattern != null && !pattern.matcher(s.asText()).matches()) {
        throw unprocessable(field + ": '" + Endpoint.printable(s.asText()) + "' is not a device");
      }
      out.add(s.asText());
    }
    return out;
  }
}
