package dev.fabricscope.bandwidth;

import static dev.fabricscope.bandwidth.JsonFields.unprocessable;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fabricscope.inventory.BandwidthJobStore.Listener;
import dev.fabricscope.inventory.BandwidthJobStore.Role;
import dev.fabricscope.security.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What an agent posts about a job ({@code POST /api/v1/agents/{host}/jobs/{id}/events}), checked
 * field by field: the agent is trusted with its own host's numbers, not with the server's storage.
 *
 * <pre>{"type":"listening","role":"listen","address":"10.0.0.2","port":18515,
 *  "gid":"fe80:0000:0000:0000:5054:00ff:fe12:3456","gidIndex":1}
 * {"type":"result","role":"run","samples":[11.2,11.3],"helper":"ib_write_bw 6.15",
 *  "rawOutput":"..."}
 * {"type":"error","message":"no CUDA driver on this host"}</pre>
 *
 * @param type started, listening, progress, result, error or cancelled
 * @param role the side the event is about; null when the agent left it to the server
 * @param message a progress line or the reason of an error, one line
 * @param listener where the target listens (type listening)
 * @param samples GB/s per repetition or interval (type result)
 * @param helper the program and version that measured (type result)
 * @param rawOutput the helper's output (type result, optional)
 * @param flowSamples for a test with concurrent flows, each flow's GB/s per pass in the order of
 *     the spec's flows (type result; null otherwise); checked against the job in {@link JobEvents}
 */
public record AgentEvent(
    Type type,
    Role role,
    String message,
    Listener listener,
    List<Double> samples,
    String helper,
    String rawOutput,
    List<List<Double>> flowSamples) {

  /** Event types. */
  public enum Type {
    STARTED,
    LISTENING,
    PROGRESS,
    RESULT,
    ERROR,
    CANCELLED
  }

  /** Largest body: raw output is at most 64 KiB on the agent, plus samples and fields. */
  static final int MAX_BODY = 512 * 1024;

  /** Largest raw output kept (the agent cuts at 64 KiB and appends a note). */
  static final int MAX_RAW = 70_000;

  /** Most samples in one result (repetitions are at most 1,000; intervals at most 300 s). */
  static final int MAX_SAMPLES = 10_000;

  /** Largest plausible GB/s of one sample: far beyond any link today, below nonsense. */
  static final double MAX_GBPS = 100_000;

  private static final Set<String> FIELDS =
      Set.of(
          "type",
          "role",
          "message",
          "address",
          "port",
          "gid",
          "gidIndex",
          "samples",
          "helper",
          "rawOutput",
          "flowSamples");

  /** An RDMA GID as perftest and sysfs print it: up to eight groups of hex digits. */
  private static final Pattern GID = Pattern.compile("[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{0,4}){1,7}");

  /** Reads and checks an event body (400 shape, 413 size, 422 values). */
  public static AgentEvent parse(byte[] body) {
    JsonNode n = JsonFields.object(JsonFields.parse(body, MAX_BODY, "an event"), "event", FIELDS);
    String typeName = JsonFields.text(n, "type", 32);
    Type type;
    try {
      type = Type.valueOf(String.valueOf(typeName).toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw unprocessable(
          "type: one of started, listening, progress, result, error, cancelled, not '"
              + Endpoint.printable(typeName)
              + "'");
    }
    String roleName = JsonFields.text(n, "role", 16);
    Role role = null;
    if (roleName != null) {
      if (!roleName.equals("run") && !roleName.equals("listen")) {
        throw unprocessable("role: run or listen");
      }
      role = roleName.equals("run") ? Role.RUN : Role.LISTEN;
    }
    String message = oneLine(JsonFields.text(n, "message", 1000));
    Listener listener = type == Type.LISTENING ? listener(n) : null;
    List<Double> samples = null;
    String helper = null;
    String raw = null;
    List<List<Double>> flowSamples = null;
    if (type == Type.RESULT) {
      samples = samples(n.get("samples"));
      helper = oneLine(JsonFields.text(n, "helper", 200));
      if (helper == null || helper.isBlank()) {
        throw unprocessable("helper: required with a result (program and version)");
      }
      raw = JsonFields.text(n, "rawOutput", MAX_RAW);
      if (raw != null) {
        raw = raw.replace('\0', '?');
      }
      flowSamples = flowSamples(n.get("flowSamples"), samples.size());
    }
    return new AgentEvent(type, role, message, listener, samples, helper, raw, flowSamples);
  }

  private static Listener listener(JsonNode n) {
    String address = JsonFields.text(n, "address", 64);
    if (address == null) {
      throw unprocessable("address: required when listening (an IP literal)");
    }
    try {
      address = Endpoint.parse("addr:" + address).name();
    } catch (IllegalArgumentException e) {
      throw unprocessable(
          "address: an IPv4 or IPv6 literal, not '" + Endpoint.printable(address) + "'");
    }
    Long port = JsonFields.integer(n, "port", 1, 65535);
    if (port == null) {
      throw unprocessable("port: required when listening (1-65535)");
    }
    String gid = JsonFields.text(n, "gid", 64);
    if (gid != null && !GID.matcher(gid).matches()) {
      throw unprocessable(
          "gid: hex groups separated by ':', not '" + Endpoint.printable(gid) + "'");
    }
    Long gidIndex = JsonFields.integer(n, "gidIndex", 0, 255);
    return new Listener(
        address, port.intValue(), gid, gidIndex == null ? null : gidIndex.intValue());
  }

  /** Per-flow samples: at most 16 lists, each as long as {@code samples}. */
  private static List<List<Double>> flowSamples(JsonNode v, int passes) {
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isArray() || v.isEmpty() || v.size() > BandwidthSpec.MAX_FLOWS) {
      throw unprocessable(
          "flowSamples: an array of 1 to " + BandwidthSpec.MAX_FLOWS + " arrays of GB/s");
    }
    List<List<Double>> out = new ArrayList<>(v.size());
    for (JsonNode f : v) {
      List<Double> xs = samples(f);
      if (xs.size() != passes) {
        throw unprocessable(
            "flowSamples: each flow has as many passes as samples (" + passes + ")");
      }
      out.add(xs);
    }
    return out;
  }

  private static List<Double> samples(JsonNode v) {
    if (v == null || !v.isArray() || v.isEmpty()) {
      throw unprocessable("samples: required with a result, a non-empty array of GB/s");
    }
    if (v.size() > MAX_SAMPLES) {
      throw unprocessable("samples: at most " + MAX_SAMPLES);
    }
    List<Double> out = new ArrayList<>(v.size());
    for (JsonNode s : v) {
      if (!s.isNumber()) {
        throw ApiException.badRequest("samples must be numbers");
      }
      double d = s.asDouble();
      if (!Double.isFinite(d) || d < 0 || d > MAX_GBPS) {
        throw unprocessable("samples: each is GB/s in 0 to " + (long) MAX_GBPS + ", not " + d);
      }
      out.add(d);
    }
    return out;
  }

  /**
   * Control characters (newlines included) become spaces: messages are one line. Not {@link
   * dev.fabricscope.text.TerminalText#oneLine} on purpose: this text is stored and served as JSON
   * and HTML (escaped there), so it keeps the agent's words rather than {@code \x0a} escapes, is
   * bounded by the caller's {@code JsonFields.text} limit, and null stays null (an absent field).
   */
  static String oneLine(String s) {
    if (s == null) {
      return null;
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      b.append(c < 0x20 || c == 0x7f ? ' ' : c);
    }
    return b.toString();
  }
}
